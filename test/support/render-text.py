"""Renders text into a synthetic greyscale image, the way modalities burn names, IDs and dates
into their pixels, for the burned-in text tests (issue 5).

Reads one JSON object on stdin:

    {"width": 2048, "height": 2048, "bits": 8 | 16,
     "background": {"kind": "dark" | "gradient" | "anatomy-like", "seed": 1, "level": 0-1},
     "texts": [{"text": "DOE^JOHN", "x": 40, "y": 30, "font": "DejaVu Sans", "size": 28,
                "value": 0-1}]}

`level` is the background's brightness as a fraction of the full range (dark: its constant
value; gradient and anatomy-like: their mean), `value` a text's brightness the same way. `size`
is the font size in pixels, `font` a fontconfig family name, found with `fc-match` when the
script runs; a family fontconfig does not have is an error rather than a silent fallback.

Writes the samples to stdout, row by row, unsigned, little endian for 16 bits, and one line of
JSON to stderr: {"boxes": [{"left", "top", "width", "height"}, ...]}, one per text, the
rectangle of its inked pixels (every pixel the text changed lies inside it).
"""
import json
import subprocess
import sys

import numpy
from PIL import Image, ImageDraw, ImageFont


def font_file(family):
    found = subprocess.run(['fc-match', '-f', '%{family}\n%{file}', family], check=True, capture_output=True, text=True).stdout
    families, path = found.split('\n', 1)
    if family.lower() not in [name.strip().lower() for name in families.split(',')]:
        raise SystemExit(f'render-text: fontconfig has no font family {family!r} (fc-match gave {families!r})')
    return path


def background(kind, height, width, seed, level):
    rng = numpy.random.default_rng(seed)
    if kind == 'dark':
        return numpy.full((height, width), level, dtype=numpy.float64)
    ys, xs = numpy.mgrid[0:height, 0:width].astype(numpy.float64)
    if kind == 'gradient':
        ramp = (xs / max(width - 1, 1) + ys / max(height - 1, 1)) / 2
        return numpy.clip(level + (ramp - 0.5) * 0.6, 0, 1)
    if kind == 'anatomy-like':
        # Soft blobs (organs, soft tissue), long bright bands (ribs) and fine noise (quantum
        # mottle): edges and texture an OCR stage must not take for text.
        image = numpy.zeros((height, width))
        for _ in range(12):
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
            sy, sx = rng.uniform(0.05, 0.3) * height, rng.uniform(0.05, 0.3) * width
            image += rng.uniform(0.2, 0.6) * numpy.exp(-(((ys - cy) / sy) ** 2 + ((xs - cx) / sx) ** 2))
        for _ in range(8):
            tilt, offset = rng.uniform(-0.4, 0.4), rng.uniform(0, height)
            distance = numpy.abs(ys - (offset + tilt * xs))
            image += 0.25 * numpy.clip(1 - distance / (0.012 * height + 2), 0, 1)
        image = image / max(image.max(), 1e-9)
        image = image * 0.8 * level * 2 + rng.normal(0, 0.02, (height, width))
        return numpy.clip(image, 0, 1)
    raise SystemExit(f'render-text: unknown background kind {kind!r}')


def main():
    spec = json.load(sys.stdin)
    width, height, bits = int(spec['width']), int(spec['height']), int(spec['bits'])
    if bits not in (8, 16):
        raise SystemExit(f'render-text: bits must be 8 or 16, not {bits}')
    ground = spec.get('background', {})
    image = background(ground.get('kind', 'dark'), height, width, int(ground.get('seed', 1)), float(ground.get('level', 0.05)))
    boxes = []
    for text in spec.get('texts', []):
        mask = Image.new('L', (width, height), 0)
        font = ImageFont.truetype(font_file(text.get('font', 'DejaVu Sans')), int(text['size']))
        ImageDraw.Draw(mask).text((int(text['x']), int(text['y'])), text['text'], font=font, fill=255)
        box = mask.getbbox()
        if box is None:
            raise SystemExit(f'render-text: text number {len(boxes) + 1} left no ink inside the image')
        boxes.append({'left': box[0], 'top': box[1], 'width': box[2] - box[0], 'height': box[3] - box[1]})
        left, top, right, bottom = box
        alpha = numpy.asarray(mask.crop(box), dtype=numpy.float64) / 255
        inside = image[top:bottom, left:right]
        image[top:bottom, left:right] = inside * (1 - alpha) + float(text.get('value', 1)) * alpha
    top = 2 ** bits - 1
    samples = numpy.rint(numpy.clip(image, 0, 1) * top).astype('<u2' if bits == 16 else numpy.uint8)
    sys.stdout.buffer.write(samples.tobytes())
    sys.stdout.buffer.flush()
    sys.stderr.write(json.dumps({'boxes': boxes}) + '\n')


main()
