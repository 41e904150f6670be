"""The machine's file cache looks at its directory to cull on one write in ``CHECK_EVERY``,
and still culls: it never holds more than that many entries past its limit."""

from pathlib import Path

from rapport.core import file_cache
from rapport.core.file_cache import FileCache


def test_the_file_cache_culls_on_one_write_in_so_many(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(file_cache, "CHECK_EVERY", 8)
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}})
    listed = []
    original = cache._list_cache_files

    def listing() -> list[str]:
        listed.append(1)
        return original()

    monkeypatch.setattr(cache, "_list_cache_files", listing)
    most = 0
    for number in range(100):
        cache.set(f"key:{number}", number, 60)
        most = max(most, len(list(tmp_path.glob("*.djcache"))))
    assert len(listed) == 13  # writes 1, 9, 17 … 97: not a hundred listings
    assert 20 < most <= 20 + 8  # over the limit by fewer than CHECK_EVERY writes, then culled
    assert cache.get("key:99") == 99
