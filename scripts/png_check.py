#!/usr/bin/env python3
"""Says whether a PNG screenshot is blank, with Python's standard library only (zlib; no PIL).

Decodes the PNG (8-bit greyscale, grey+alpha, RGB or RGBA, not interlaced: what Chromium's
--screenshot writes), and measures the variance of all colour samples (alpha is left out) and the
fraction of pixels that differ from the most common colour (the page's background). A page is blank
when the variance is below --min-variance (default 20, in squared 0..255 levels): a white page has 0,
one heading on a 1200x2400 white page about 25, a report with charts a few hundred or more.

Usage:
    scripts/png_check.py report.png                 # prints one line; exit 0 not blank, 1 blank
    scripts/png_check.py --min-variance 50 a.png b.png
Exit status: 0 when no file is blank, 1 when one is, 2 when one cannot be read as a PNG.
"""
import argparse
import struct
import sys
import zlib
from collections import Counter

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS_BY_COLOUR_TYPE = {0: 1, 2: 3, 4: 2, 6: 4}  # grey, RGB, grey+alpha, RGBA
ALPHA_COLOUR_TYPES = {4, 6}


class PNGError(Exception):
    """The file is not a PNG this checker decodes."""


class Image:
    """Decoded pixels: `rows` holds one bytes object per scanline, `channels` samples per pixel."""

    def __init__(self, width, height, channels, has_alpha, rows):
        self.width = width
        self.height = height
        self.channels = channels
        self.has_alpha = has_alpha
        self.rows = rows


def read_png(path):
    """Decodes the PNG at `path` into an Image (8-bit samples, no interlacing)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(PNG_SIGNATURE):
        raise PNGError("not a PNG (bad signature)")
    header = None
    compressed = []
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length, chunk_type = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if len(body) != length:
            raise PNGError("truncated chunk %r" % chunk_type)
        offset += 12 + length
        if chunk_type == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif chunk_type == b"IDAT":
            compressed.append(body)
        elif chunk_type == b"IEND":
            break
    if header is None or not compressed:
        raise PNGError("no IHDR or IDAT chunk")
    width, height, bit_depth, colour_type, _, _, interlace = header
    if bit_depth != 8 or colour_type not in CHANNELS_BY_COLOUR_TYPE or interlace != 0:
        raise PNGError("unsupported PNG: bit depth %d, colour type %d, interlace %d"
                       % (bit_depth, colour_type, interlace))
    channels = CHANNELS_BY_COLOUR_TYPE[colour_type]
    try:
        raw = zlib.decompress(b"".join(compressed))
    except zlib.error as error:
        raise PNGError("corrupt image data: %s" % error)
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise PNGError("image data is %d bytes, expected %d" % (len(raw), height * (stride + 1)))
    rows = unfilter(raw, width, height, channels)
    return Image(width, height, channels, colour_type in ALPHA_COLOUR_TYPES, rows)


def unfilter(raw, width, height, bpp):
    """Undoes the per-scanline PNG filters (None, Sub, Up, Average, Paeth); returns the rows."""
    stride = width * bpp
    mask_low = int.from_bytes(b"\x7f" * stride, "big")
    mask_high = int.from_bytes(b"\x80" * stride, "big")
    previous = bytes(stride)
    rows = []
    for index in range(height):
        start = index * (stride + 1)
        kind = raw[start]
        line = raw[start + 1:start + 1 + stride]
        if kind == 0:
            row = line
        elif kind == 2:
            row = add_bytes(line, previous, mask_low, mask_high, stride)
        elif kind == 1:
            row = bytearray(line)
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
            row = bytes(row)
        elif kind == 3:
            row = bytearray(line)
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
            row = bytes(row)
        elif kind == 4:
            row = paeth(line, previous, bpp)
        else:
            raise PNGError("unknown filter type %d in row %d" % (kind, index))
        rows.append(row)
        previous = row
    return rows


def add_bytes(line, previous, mask_low, mask_high, stride):
    """Byte-wise (line + previous) mod 256 over a whole row at once (the Up filter), with no carries
    between bytes: the low 7 bits of each byte are added, and the top bit is their XOR."""
    a = int.from_bytes(line, "big")
    b = int.from_bytes(previous, "big")
    total = ((a & mask_low) + (b & mask_low)) ^ ((a ^ b) & mask_high)
    return total.to_bytes(stride, "big")


def paeth(line, previous, bpp):
    """Undoes the Paeth filter on one row. Where the two bytes above are equal (b == c) the Paeth
    predictor is the left byte (|p - a| = |b - c| = 0), the common case on a page's background."""
    row = bytearray(line)
    for i in range(bpp):
        row[i] = (row[i] + previous[i]) & 0xFF  # no left neighbour: Paeth predicts the byte above
    for i in range(bpp, len(row)):
        b = previous[i]
        c = previous[i - bpp]
        if b == c:
            row[i] = (row[i] + row[i - bpp]) & 0xFF
            continue
        a = row[i - bpp]
        distance_a = b - c if b > c else c - b  # |p - a| with p = a + b - c
        distance_b = a - c if a > c else c - a  # |p - b|
        distance_c = a + b - c - c  # p - c
        if distance_c < 0:
            distance_c = -distance_c
        if distance_a <= distance_b and distance_a <= distance_c:
            row[i] = (row[i] + a) & 0xFF
        elif distance_b <= distance_c:
            row[i] = (row[i] + b) & 0xFF
        else:
            row[i] = (row[i] + c) & 0xFF
    return bytes(row)


def colour_samples(image):
    """All colour samples of the image as one bytes object (alpha samples dropped)."""
    data = b"".join(image.rows)
    if not image.has_alpha:
        return data
    colour = image.channels - 1
    return b"".join(data[c::image.channels] for c in range(colour))


def sample_variance(samples):
    """Population variance of byte values, from their histogram (one C-speed pass)."""
    histogram = Counter(samples)
    count = len(samples)
    if count == 0:
        return 0.0
    total = sum(value * n for value, n in histogram.items())
    squares = sum(value * value * n for value, n in histogram.items())
    mean = total / count
    return max(0.0, squares / count - mean * mean)


def background_fraction(image):
    """Fraction of pixels that have the background colour: the most common colour among every 97th
    pixel. Each colour plane is mapped to 0 (background) or 1 bytes, the planes are OR-ed as big
    integers, and the 1 bytes counted, all at C speed."""
    data = b"".join(image.rows)
    planes = [data[c::image.channels] for c in range(image.channels)]
    background = Counter(zip(*(plane[::97] for plane in planes))).most_common(1)[0][0]
    differs = 0
    for plane, level in zip(planes, background):
        table = bytes(0 if value == level else 1 for value in range(256))
        differs |= int.from_bytes(plane.translate(table), "big")
    return 1.0 - bin(differs).count("1") / (image.width * image.height)


def main(argv):
    parser = argparse.ArgumentParser(description="Fails when a PNG screenshot is blank.")
    parser.add_argument("files", nargs="+", metavar="FILE.png")
    parser.add_argument("--min-variance", type=float, default=20.0,
                        help="blank below this variance of the colour samples (0..255 levels squared)")
    arguments = parser.parse_args(argv)
    status = 0
    for path in arguments.files:
        try:
            image = read_png(path)
        except (OSError, PNGError) as error:
            print("unreadable %s: %s" % (path, error))
            status = max(status, 2)
            continue
        variance = sample_variance(colour_samples(image))
        ink = 1.0 - background_fraction(image)
        blank = variance < arguments.min_variance
        print("%s %s: %dx%d, variance %.1f (minimum %g), %.2f%% of pixels differ from the background"
              % ("blank" if blank else "ok", path, image.width, image.height, variance,
                 arguments.min_variance, 100.0 * ink))
        if blank:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
