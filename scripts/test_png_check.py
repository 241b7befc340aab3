#!/usr/bin/env python3
"""Tests for png_check.py: PNGs written here with every filter type and colour type decode to the
pixels they were made from; variances and background fractions match hand-computed values.

Run: python3 scripts/test_png_check.py   (standard library only; `make report-check` runs it)
"""
import contextlib
import io
import os
import random
import struct
import sys
import tempfile
import unittest
import zlib

sys.dont_write_bytecode = True  # no scripts/__pycache__ left in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_check  # noqa: E402


def paeth_predictor(a, b, c):
    """The PNG specification's Paeth predictor, written as the specification states it."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    if pb <= pc:
        return b
    return c


def filter_row(kind, row, previous, bpp):
    """Applies PNG filter `kind` (0..4) to one row, as an encoder does."""
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = previous[i]
        c = previous[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth_predictor(a, b, c)][kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def run_main(arguments):
    """png_check.main's exit status, its printed line kept out of the test output."""
    with contextlib.redirect_stdout(io.StringIO()):
        return png_check.main(arguments)


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode_png(width, height, colour_type, rows, filters):
    """A PNG file's bytes; row y is filtered with filters[y % len(filters)]."""
    bpp = png_check.CHANNELS_BY_COLOUR_TYPE[colour_type]
    previous = bytes(width * bpp)
    raw = bytearray()
    for y, row in enumerate(rows):
        kind = filters[y % len(filters)]
        raw.append(kind)
        raw += filter_row(kind, row, previous, bpp)
        previous = row
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (png_check.PNG_SIGNATURE + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))


class PNGCheckTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.directory.cleanup()

    def write(self, name, data):
        path = os.path.join(self.directory.name, name)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def test_every_filter_and_colour_type_decodes_to_the_original_pixels(self):
        generator = random.Random(17)
        width, height = 23, 15
        for colour_type, bpp in png_check.CHANNELS_BY_COLOUR_TYPE.items():
            for filters in ([0], [1], [2], [3], [4], [4, 2, 1, 3, 0]):
                # Smooth areas and noise, so Paeth takes each of its three branches.
                rows = [bytes((x * 7 + y * 3) & 0xFF if x < width * bpp // 2 else generator.randrange(256)
                              for x in range(width * bpp)) for y in range(height)]
                path = self.write("t.png", encode_png(width, height, colour_type, rows, filters))
                image = png_check.read_png(path)
                self.assertEqual((image.width, image.height, image.channels), (width, height, bpp))
                self.assertEqual(image.rows, rows, "colour type %d, filters %s" % (colour_type, filters))

    def test_uniform_page_has_zero_variance_and_is_reported_blank(self):
        rows = [b"\xff" * (40 * 3)] * 30
        path = self.write("white.png", encode_png(40, 30, 2, rows, [2]))
        image = png_check.read_png(path)
        self.assertEqual(png_check.sample_variance(png_check.colour_samples(image)), 0.0)
        self.assertEqual(png_check.background_fraction(image), 1.0)
        self.assertEqual(run_main([path]), 1)

    def test_one_third_black_two_thirds_white_has_variance_255_squared_times_2_over_9(self):
        # 30 rows: 10 black, 20 white; samples are 0 (1/3) and 255 (2/3):
        # mean 170, variance 255^2 * (1/3) * (2/3) = 14450.
        rows = [bytes(40 * 3)] * 10 + [b"\xff" * (40 * 3)] * 20
        path = self.write("halves.png", encode_png(40, 30, 2, rows, [4]))
        image = png_check.read_png(path)
        self.assertAlmostEqual(png_check.sample_variance(png_check.colour_samples(image)), 14450.0)
        self.assertAlmostEqual(png_check.background_fraction(image), 2.0 / 3.0)
        self.assertEqual(run_main([path]), 0)

    def test_alpha_is_left_out_of_the_variance(self):
        # Grey+alpha: grey is 100 everywhere, alpha alternates 0 and 255 -> colour variance 0.
        rows = [bytes([100, 0, 100, 255] * 10)] * 8
        path = self.write("alpha.png", encode_png(20, 8, 4, rows, [1]))
        image = png_check.read_png(path)
        self.assertEqual(png_check.sample_variance(png_check.colour_samples(image)), 0.0)

    def test_a_small_mark_on_a_large_page_is_blank_below_the_threshold(self):
        # One black pixel among 100x100 white ones: p = 1e-4, variance = 255^2 p (1 - p) = 6.50.
        rows = [b"\xff" * 300 for _ in range(100)]
        rows[50] = b"\xff" * 150 + b"\x00\x00\x00" + b"\xff" * 147
        path = self.write("dot.png", encode_png(100, 100, 2, rows, [2, 4]))
        image = png_check.read_png(path)
        self.assertAlmostEqual(png_check.sample_variance(png_check.colour_samples(image)),
                               255 ** 2 * 1e-4 * (1 - 1e-4))
        self.assertEqual(run_main([path]), 1)
        self.assertEqual(run_main(["--min-variance", "5", path]), 0)

    def test_broken_files_are_unreadable(self):
        good = encode_png(4, 4, 2, [bytes(12)] * 4, [0])
        not_png = self.write("text.png", b"<html></html>")
        truncated = self.write("cut.png", good[:40])
        self.assertRaises(png_check.PNGError, png_check.read_png, not_png)
        self.assertRaises(png_check.PNGError, png_check.read_png, truncated)
        self.assertEqual(run_main([not_png]), 2)
        self.assertEqual(run_main([os.path.join(self.directory.name, "missing.png")]), 2)


if __name__ == "__main__":
    unittest.main()
