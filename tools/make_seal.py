# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Draw the team's sample seal (公章样章) as a transparent PNG with Pillow.

A red ring, a five-pointed star, the unit's name along the top of the ring and
a horizontal line of text under the star, with a little ink wear so it reads as
stamped. ``python tools/make_seal.py [--unit NAME] [--bottom TEXT] [--out FILE]``
(default: the demo unit, written to resources/certs/seal.png).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
RED = (205, 22, 22)
SIZE = 600


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(ROOT / "resources" / "fonts" / "wqy-microhei.ttc"), size, index=0)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = math.radians(-90 + i * 36)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED + (255,))


def _ring_text(img: Image.Image, text: str, cx: float, cy: float, radius: float, size: int) -> None:
    font = _font(size)
    span = min(250.0, 24.0 * len(text))
    start = 90 + span / 2                      # degrees, counter-clockwise from +x; text runs clockwise
    step = span / max(1, len(text) - 1)
    for i, ch in enumerate(text):
        theta = start - i * step
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=RED + (255,), anchor="mm",
                                   stroke_width=2, stroke_fill=RED + (255,))
        glyph = glyph.rotate(theta - 90, resample=Image.Resampling.BICUBIC)
        x = cx + radius * math.cos(math.radians(theta)) - size
        y = cy - radius * math.sin(math.radians(theta)) - size
        img.alpha_composite(glyph, (int(round(x)), int(round(y))))


def make_seal(unit: str, bottom: str, *, seed: int = 7) -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = SIZE / 2
    draw.ellipse((14, 14, SIZE - 14, SIZE - 14), outline=RED + (255,), width=16)
    _star(draw, c, c - 6, 100)
    _ring_text(img, unit, c, c, SIZE / 2 - 84, 64)
    font = _font(44)
    draw.text((c, c + 150), bottom, font=font, fill=RED + (255,), anchor="mm", stroke_width=1,
              stroke_fill=RED + (255,))
    # Ink wear: thin the alpha at random specks so the seal looks stamped, not printed.
    rng = random.Random(seed)
    wear = Image.new("L", img.size, 255)
    wdraw = ImageDraw.Draw(wear)
    for _ in range(500):
        x, y = rng.uniform(0, SIZE), rng.uniform(0, SIZE)
        r = rng.uniform(1.0, 3.5)
        wdraw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(110, 220))
    wear = wear.filter(ImageFilter.GaussianBlur(1.2))
    alpha = img.getchannel("A")
    alpha = Image.composite(alpha, Image.new("L", img.size, 0), wear)
    img.putalpha(alpha.point(lambda a: int(a * 0.88)))
    return img


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--unit", default="江城市公安局临江分局")
    parser.add_argument("--bottom", default="证书专用章")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "certs" / "seal.png")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    make_seal(args.unit, args.bottom).save(args.out, optimize=True)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
