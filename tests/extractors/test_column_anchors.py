"""Column anchors → column of each printed number (borderless PDF and layout text, zeros printed blank)."""

from extractors.column_anchors import assign, fits, spread_cells

ANCHORS = [100.0, 140.0, 180.0, 220.0]


def test_numbers_take_the_anchor_they_sit_on_whatever_their_order():
    assert assign([101.0, 219.0], ANCHORS, 8.0) == [0, 3]  # a row printing its first and last cells
    assert assign([179.5], ANCHORS, 8.0) == [2]


def test_a_number_between_two_anchors_is_not_placed():
    assert assign([120.0], ANCHORS, 8.0) is None  # as near the first column as the second: straddles
    assert assign([128.0], ANCHORS, 8.0) is None  # 12 from the nearest: farther than tol


def test_a_number_much_nearer_one_anchor_is_placed_but_not_when_the_other_is_within_twice_that():
    assert assign([106.0], ANCHORS, 8.0) == [0]  # 6 vs 34
    assert assign([1.4], [0.0, 3.0], 1.5) is None  # 1.4 vs 1.6: the pitch is too tight to tell


def test_two_numbers_of_one_row_on_one_anchor_are_not_placed():
    assert assign([99.0, 102.0], ANCHORS, 8.0) is None


def test_no_anchors_place_nothing():
    assert assign([1.0], [], 8.0) is None
    assert not fits([[1.0]], [], 8.0)


def test_a_continuation_fits_the_columns_above_only_when_every_row_does():
    assert fits([[101.0, 221.0], [140.0], []], ANCHORS, 8.0)
    assert not fits([[101.0, 221.0], [160.0]], ANCHORS, 8.0)


def test_spread_cells_leaves_blank_cells_in_place():
    assert spread_cells(["3", "5"], [139.0, 221.0], ANCHORS, 8.0) == ["", "3", "", "5"]
    assert spread_cells(["3"], [160.0], ANCHORS, 8.0) is None
