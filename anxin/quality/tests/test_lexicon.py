"""The words consumers used, mapped to what a merchant can fix (jieba + the lexicon)."""

from anxin.quality.lexicon import aspects_of, mentions


def test_chinese_phrases_stay_whole_and_map_to_aspects() -> None:
    assert mentions("尺码偏小，而且有色差") == [("尺码偏小", "size"), ("色差", "colour")]
    assert ("与图片不符", "picture") in mentions("衣服与图片不符，面料很薄")
    assert ("假货", "fake") in mentions("这是假货")


def test_english_words_and_phrases() -> None:
    assert mentions("Runs small and the colour is off") == [
        ("runs small", "size"),
        ("colour", "colour"),
    ]


def test_negated_mentions_do_not_count() -> None:
    assert mentions("没有色差") == []
    assert mentions("no colour difference, fine") == []


def test_aspects_counted_once_per_text_most_frequent_first() -> None:
    # given
    texts = ["尺码偏小，偏小一码", "色差严重", "偏小", ""]
    # when
    found = aspects_of(texts)
    # then
    assert [(a.aspect, a.count) for a in found] == [("size", 2), ("colour", 1)]
    assert found[0].words == [("偏小", 2), ("尺码偏小", 1)]
    assert found[0].advice
