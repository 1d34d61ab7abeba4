"""The rich menu: six big buttons under the chat, defined here, drawn with Pillow.

    python -m bot richmenu image FILE     write the menu image (PNG, 2500x843)
    python -m bot richmenu install        create it through the Messaging API and make it the default

Why it is drawn, not shipped: the labels live in one place (MENU) with the text each
button sends, so changing a button changes both the picture and the tap area.
Thai needs a Thai-capable font: the first found of `bot/assets/fonts/*.ttf|otf`,
`fc-list :lang=th`, the usual Debian paths (fonts-thai-tlwg, Noto), and fonts
inside installed Python packages (e.g. a Sarabun or Noto Sans Thai font package). Without one,
each tile still gets its icon and an English caption (legible), and a warning says
which package to install; the Thai label still shows in the chat bar and the text
each button sends.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.settings import Settings

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent / "assets"
WIDTH, HEIGHT = 2500, 843
COLUMNS, ROWS = 3, 2
CHAT_BAR_TEXT = "เมนู"
MAX_IMAGE_BYTES = 1_000_000


@dataclass(frozen=True)
class Button:
    label: str  # Thai, on the tile
    caption: str  # English, used when no Thai font is available
    text: str  # what a tap sends as the user
    colour: str
    icon: str  # book | pencil | coins | plane | folder | question


MENU: tuple[Button, ...] = (
    Button("ถามคู่มือ", "Ask the manuals", "ถามคู่มือ", "#1F5AA6", "book"),
    Button("บันทึกเรื่อง", "Log a case", "บันทึกเรื่อง", "#2F7D4F", "pencil"),
    Button("เงินยืม", "Advances", "เงินยืมค้าง", "#B45309", "coins"),
    Button("การเยือน", "Visits", "การเยือน", "#6B3FA0", "plane"),
    Button("เรื่องของฉัน", "My cases", "เรื่องของฉัน", "#0F766E", "folder"),
    Button("วิธีใช้", "How to use", "วิธีใช้", "#475569", "question"),
)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/tlwg/Loma-Bold.ttf",
    "/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf",
    "/usr/share/fonts/truetype/tlwg/Sarabun-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansThai-Bold.otf",
    "/usr/share/fonts/truetype/noto/NotoSansThaiLooped-Bold.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
)


def _draws_thai(path: str) -> bool:
    """True when the font has real Thai glyphs (not the same box for every character)."""
    try:
        font = ImageFont.truetype(path, 40)
    except OSError:
        return False
    return _glyph(font, "ก") not in {b"", _glyph(font, "\uffff")}


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    """The character drawn alone, as pixels (empty when nothing is drawn)."""
    canvas = Image.new("L", (64, 64))
    ImageDraw.Draw(canvas).text((8, 0), char, font=font, fill=255)
    return canvas.tobytes() if canvas.getbbox() else b""


def _packaged_fonts() -> list[str]:
    """Thai fonts shipped inside installed Python packages (a font package added to
    the project's dependencies is picked up without configuration)."""
    import sysconfig

    found: list[str] = []
    for key in ("purelib", "platlib"):
        root = Path(sysconfig.get_paths()[key])
        for pattern in ("**/*[Tt]hai*.[ot]tf", "**/*[Ss]arabun*.[ot]tf", "**/*[Ll]oma*.[ot]tf"):
            found += sorted(str(p) for p in root.glob(pattern))
    return sorted(dict.fromkeys(found), key=lambda p: ("Bold" not in p, p))


def find_thai_font() -> str | None:
    candidates = sorted(str(p) for p in (ASSETS / "fonts").glob("*.[ot]tf")) if (ASSETS / "fonts").is_dir() else []
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(["fc-list", ":lang=th", "file"], capture_output=True, text=True, timeout=10).stdout
            found = [line.split(":")[0].strip() for line in listed.splitlines() if line.strip()]
            candidates += sorted(found, key=lambda p: ("Bold" not in p, p))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += [p for p in FONT_CANDIDATES if Path(p).exists()]
    candidates += _packaged_fonts()
    for path in candidates:
        if _draws_thai(path):
            return path
    return None


def _latin_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _icon(draw: ImageDraw.ImageDraw, kind: str, cx: int, cy: int, r: int) -> None:
    """A simple white pictogram centred at (cx, cy) within radius r."""
    w = max(6, r // 8)
    white = "#FFFFFF"
    if kind == "book":
        draw.rounded_rectangle([cx - r, cy - r * 3 // 4, cx - w // 2, cy + r * 3 // 4], radius=w, outline=white, width=w)
        draw.rounded_rectangle([cx + w // 2, cy - r * 3 // 4, cx + r, cy + r * 3 // 4], radius=w, outline=white, width=w)
    elif kind == "pencil":
        draw.polygon([(cx - r, cy + r), (cx - r + w * 2, cy + r - w * 5), (cx + r - w * 2, cy - r), (cx + r, cy - r + w * 2),
                      (cx - r + w * 5, cy + r - w * 2)], fill=white)
    elif kind == "coins":
        for dy in (r // 2, 0, -r // 2):
            draw.ellipse([cx - r, cy + dy - r // 3, cx + r, cy + dy + r // 3], fill=white, outline="#00000033")
    elif kind == "plane":
        draw.polygon([(cx - r, cy), (cx + r, cy - w), (cx + r, cy + w)], fill=white)
        draw.polygon([(cx - w, cy), (cx + r // 3, cy - r), (cx + r // 2, cy - r), (cx + w * 2, cy)], fill=white)
        draw.polygon([(cx - w, cy), (cx + r // 3, cy + r), (cx + r // 2, cy + r), (cx + w * 2, cy)], fill=white)
    elif kind == "folder":
        draw.rectangle([cx - r, cy - r // 2, cx + r, cy + r * 3 // 4], fill=white)
        draw.rectangle([cx - r, cy - r * 3 // 4, cx - r // 4, cy - r // 2], fill=white)
    else:  # question
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=white, width=w)
        font = _latin_font(int(r * 1.3))
        draw.text((cx, cy), "?", font=font, fill=white, anchor="mm")


def render_image(path: str | Path, *, font_path: str | None = None) -> Path:
    """Draw the menu (2500x843 PNG, < 1 MB) and write it to `path`."""
    font_path = font_path or find_thai_font()
    if font_path is None:
        log.warning("no Thai font found: captions drawn in English; install fonts-thai-tlwg or put a TTF in bot/assets/fonts")
    image = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    tile_w, tile_h = WIDTH // COLUMNS, HEIGHT // ROWS
    for i, button in enumerate(MENU):
        col, row = i % COLUMNS, i // COLUMNS
        x0, y0 = col * tile_w, row * tile_h
        x1 = WIDTH if col == COLUMNS - 1 else x0 + tile_w
        y1 = HEIGHT if row == ROWS - 1 else y0 + tile_h
        draw.rounded_rectangle([x0 + 8, y0 + 8, x1 - 8, y1 - 8], radius=36, fill=button.colour)
        cx = (x0 + x1) // 2
        _icon(draw, button.icon, cx, y0 + tile_h * 36 // 100, tile_h // 5)
        if font_path:
            font = ImageFont.truetype(font_path, 92)
            text = button.label
        else:
            font = _latin_font(64)
            text = button.caption
        draw.text((cx, y0 + tile_h * 76 // 100), text, font=font, fill="#FFFFFF", anchor="mm")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, "PNG", optimize=True)
    return out


def menu_request() -> dict:
    """The rich menu as LINE JSON: one tap area per tile, each sending its text."""
    tile_w, tile_h = WIDTH // COLUMNS, HEIGHT // ROWS
    areas = []
    for i, button in enumerate(MENU):
        col, row = i % COLUMNS, i // COLUMNS
        width = WIDTH - col * tile_w if col == COLUMNS - 1 else tile_w
        height = HEIGHT - row * tile_h if row == ROWS - 1 else tile_h
        areas.append(
            {
                "bounds": {"x": col * tile_w, "y": row * tile_h, "width": width, "height": height},
                "action": {"type": "message", "label": button.label, "text": button.text},
            }
        )
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": "BMA assistant main menu",
        "chatBarText": CHAT_BAR_TEXT,
        "areas": areas,
    }


async def install(settings: Settings, image: Path) -> str:
    """Create the menu, upload its image, make it everyone's default. Returns its id."""
    from linebot.v3.messaging import (
        AsyncApiClient,
        AsyncMessagingApi,
        AsyncMessagingApiBlob,
        Configuration,
        RichMenuRequest,
    )

    timeout = settings.reply_timeout_seconds * 3
    config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
    async with AsyncApiClient(config) as client:
        api, blob = AsyncMessagingApi(client), AsyncMessagingApiBlob(client)
        created = await api.create_rich_menu(RichMenuRequest.from_dict(menu_request()), _request_timeout=timeout)
        menu_id = created.rich_menu_id
        await blob.set_rich_menu_image(menu_id, image.read_bytes(), _headers={"Content-Type": "image/png"}, _request_timeout=timeout)
        await api.set_default_rich_menu(menu_id, _request_timeout=timeout)
    return menu_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot richmenu", description="The rich menu.")
    sub = parser.add_subparsers(dest="command", required=True)
    image = sub.add_parser("image", help="write the menu image (PNG)")
    image.add_argument("file")
    image.add_argument("--font", help="a Thai-capable TTF/OTF to use")
    inst = sub.add_parser("install", help="create the menu through the API and make it the default")
    inst.add_argument("--image", help="use this PNG instead of drawing one")
    args = parser.parse_args(argv)
    if args.command == "image":
        out = render_image(args.file, font_path=args.font)
        print(f"wrote {out} ({WIDTH}x{HEIGHT}, {out.stat().st_size} bytes)")
        return 0
    settings = Settings.from_env()
    settings.require_line()
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(args.image) if args.image else render_image(Path(tmp) / "richmenu.png")
        if png.stat().st_size > MAX_IMAGE_BYTES:
            print(f"{png} is larger than 1 MB; LINE refuses it", flush=True)
            return 1
        menu_id = asyncio.run(install(settings, png))
    print(f"rich menu installed and set as default: {menu_id}")
    return 0
