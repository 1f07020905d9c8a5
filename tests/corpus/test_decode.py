"""Tests for corpus.decode (文本编码识别)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.decode import decode_bytes, printable_ratio
from corpus.errors import CorruptFile, DecodeFailure

POLICY = "关于做好2023年全面推进乡村振兴重点工作的意见\n第一条　为了巩固拓展脱贫攻坚成果，制定本办法。\n"


def test_plain_utf8() -> None:
    assert decode_bytes(POLICY.encode("utf-8"), "a.txt") == (POLICY, "utf-8")


def test_gbk_file_is_read_as_gb18030() -> None:
    data = POLICY.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # precondition: this really is not UTF-8
    assert decode_bytes(data, "gbk.txt") == (POLICY, "gb18030")


def test_gb18030_characters_outside_gbk() -> None:
    text = "生僻字𠀀与㐀见于地名，" + POLICY
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")  # precondition: GBK cannot hold them
    assert decode_bytes(text.encode("gb18030"), "rare.txt") == (text, "gb18030")


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_bom_is_detected_and_removed(bom: bytes, codec: str, expected: str) -> None:
    text, encoding = decode_bytes(bom + POLICY.encode(codec), "bom.txt")
    assert encoding == expected
    assert text == POLICY
    assert not text.startswith("\ufeff")


def test_python_utf16_with_bom() -> None:
    assert decode_bytes(POLICY.encode("utf-16"), "u16.txt")[0] == POLICY


def test_newlines_normalized_but_nothing_else() -> None:
    raw = "第一条\r\n全角ＡＢＣ１２３\u3000空格\r第二条\n"
    text, _ = decode_bytes(raw.encode("utf-8"), "n.txt")
    assert text == "第一条\n全角ＡＢＣ１２３\u3000空格\n第二条\n"


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(CorruptFile, match=r"^junk\.txt: .*NUL"):
        decode_bytes(b"PK\x03\x04\x00\x00\x14\x00" * 10, "junk.txt")


def test_control_characters_are_binary() -> None:
    with pytest.raises(CorruptFile, match=r"^ctl\.txt: .*二进制"):
        decode_bytes(bytes(range(1, 32)) * 20, "ctl.txt")


def test_undecodable_names_file_and_utf8_offset() -> None:
    data = "关于印发通知".encode() * 50 + bytes([0xFF, 0x80, 0xFE, 0x81]) * 20
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(data, "通知.txt")
    message = str(info.value)
    assert message.startswith("通知.txt: 无法识别的文本编码")
    assert "UTF-8 在第 900 字节失败" in message
    assert "请转换为 UTF-8 或 GB18030" in message


def test_detector_result_without_language_is_rejected() -> None:
    with pytest.raises(DecodeFailure, match="第 0 字节"):
        decode_bytes(b"\xff" * 100, "ff.txt")


def test_big5_falls_back_to_detector() -> None:
    text = "關於做好鄉村振興重點工作的意見，全面推進農業農村現代化。" * 3
    assert decode_bytes(text.encode("big5"), "big5.txt") == (text, "big5")


def test_printable_ratio() -> None:
    assert printable_ratio("") == 1.0
    assert printable_ratio("中文\n\t\u00a0") == 1.0
    assert printable_ratio("ab\x01\x02") == 0.5


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))))
def test_utf8_round_trip(text: str) -> None:
    decoded, encoding = decode_bytes(text.encode("utf-8"), "p.txt")
    if text.startswith("\ufeff"):
        assert decoded == text[1:]  # a leading U+FEFF is indistinguishable from a BOM
    else:
        assert (decoded, encoding) == (text, "utf-8")
