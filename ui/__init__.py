"""Web chat (网页问答): the Gradio adapter over the assistant; the only package that imports gradio."""
