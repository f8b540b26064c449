import unicodedata

from bantin.text import canonical_tones, collapse_space, content_hash, fold, nfc


def test_fold_removes_diacritics_and_maps_d():
    assert fold("Trí tuệ nhân tạo") == "tri tue nhan tao"
    assert fold("ĐƯỜNG đua") == "duong dua"


def test_old_and_new_tone_placement_fold_together():
    assert canonical_tones("hòa thúy khóa Hòa") == "hoà thuý khoá Hoà"
    assert canonical_tones("hoàng quyết") == "hoàng quyết"  # closed syllables are left alone
    assert content_hash("Hòa bình", "thúy") == content_hash("Hoà bình", "thuý")


def test_nfd_and_nfc_hash_alike():
    text = "Trí tuệ nhân tạo ở Việt Nam"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert nfc(decomposed) == text
    assert content_hash(decomposed) == content_hash(text)


def test_collapse_space_keeps_paragraphs():
    assert collapse_space("  a \u00a0 b\u200b \n\n\n\n c  ") == "a b\n\nc"
