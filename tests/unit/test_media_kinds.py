"""Which files a text may carry, and where their copies live (domain/media.py)."""

from __future__ import annotations

from chalicelib.domain.media import (
    MediaKind,
    MediaState,
    arriving,
    kind_of,
    object_key,
    thumbnail_key,
)


def test_photos_and_pdfs_are_shown_and_sound_video_and_cards_are_files():
    assert kind_of("image/JPEG") is MediaKind.IMAGE
    assert kind_of("image/heic") is MediaKind.IMAGE
    assert kind_of("application/pdf; name=letter.pdf") is MediaKind.DOCUMENT
    assert kind_of("audio/amr") is MediaKind.FILE
    assert kind_of("text/vcard") is MediaKind.FILE


def test_a_type_we_dont_keep_is_refused_as_it_arrives_with_a_note():
    item = arriving(2, "application/x-msdownload")
    assert item.state is MediaState.REFUSED
    assert "application/x-msdownload" in item.note
    assert arriving(0, "image/png").state is MediaState.ARRIVING
    assert arriving(0, "image/png").name == "photo-1.png"


def test_each_item_has_one_key_under_its_owner_whatever_the_owner_is_called():
    key = object_key("client/../x", "MM" + "a" * 32, 1, "image/jpeg")
    assert key == f"media/client_.._x/MM{'a' * 32}/1.jpg"
    assert key.startswith("media/") and "/../" not in key.replace("_..", "")
    assert thumbnail_key(key).endswith("/1.thumb.jpg")
