// How text with ANSI colours looks on a terminal: a small interpreter of the SGR codes (ECMA-48 §8.3.117)
// that the terminal QR code uses, over a theme's default colours and 16-colour palette, giving the grey
// level of each half cell. Tests draw that into an image and decode it with zbarimg, on light and dark themes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greyPGM, zbar } from './zbar.js';

/** A terminal colour scheme: its default text and background colours and its 16-colour palette, as #rrggbb. */
export interface Theme {
  readonly name: string;
  readonly foreground: string;
  readonly background: string;
  /** Colours 0-7 (SGR 30-37, 40-47) and 8-15 (the bright ones, SGR 90-97, 100-107). */
  readonly palette: readonly string[];
  /** A terminal that ignores the bright background codes 100-107 (aixterm's; ECMA-48 has 40-47 only). */
  readonly noBright?: boolean;
}

// xterm's default palette (its XTerm-col.ad resources).
const XTERM = [
  '#000000',
  '#cd0000',
  '#00cd00',
  '#cdcd00',
  '#0000ee',
  '#cd00cd',
  '#00cdcd',
  '#e5e5e5',
  '#7f7f7f',
  '#ff0000',
  '#00ff00',
  '#ffff00',
  '#5c5cff',
  '#ff00ff',
  '#00ffff',
  '#ffffff',
];
// Solarized (Ethan Schoonover), in its ANSI order: base02, red, green, yellow, blue, magenta, cyan, base2,
// then base03, orange, base01, base00, base0, violet, base1, base3.
const SOLARIZED = [
  '#073642',
  '#dc322f',
  '#859900',
  '#b58900',
  '#268bd2',
  '#d33682',
  '#2aa198',
  '#eee8d5',
  '#002b36',
  '#cb4b16',
  '#586e75',
  '#657b83',
  '#839496',
  '#6c71c4',
  '#93a1a1',
  '#fdf6e3',
];

/** Light and dark themes people use, and a dark terminal without the bright background colours. */
export const THEMES: readonly Theme[] = [
  { name: 'xterm, black on white', foreground: '#000000', background: '#ffffff', palette: XTERM },
  { name: 'xterm, reverse video', foreground: '#ffffff', background: '#000000', palette: XTERM },
  {
    name: 'Solarized Light',
    foreground: '#657b83',
    background: '#fdf6e3',
    palette: SOLARIZED,
  },
  { name: 'Solarized Dark', foreground: '#839496', background: '#002b36', palette: SOLARIZED },
  {
    name: 'dark, no bright colours',
    foreground: '#e5e5e5',
    background: '#000000',
    palette: XTERM,
    noBright: true,
  },
];

/** Whether a theme's background is light (its grey level above the middle). */
export const isLight = (theme: Theme): boolean => grey(theme.background) > 127;

/** The grey level of #rrggbb, as a camera sees it (ITU-R BT.601 luma), 0 to 255. */
function grey(colour: string): number {
  const n = Number.parseInt(colour.slice(1), 16);
  return Math.round(0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255));
}

/** A screen of half cells: `width` columns, `height` half rows (two per line of text), grey 0-255 each. */
export interface Screen {
  readonly width: number;
  readonly height: number;
  grey(x: number, y: number): number;
}

/**
 * `text` as `theme` shows it, with `pad` cells of the terminal's own background around it (a terminal
 * window around the output). Half blocks show the text colour in their half, spaces the background; any
 * other character is drawn as a mix of the two (text). SGR 0, 30-37, 39, 40-47, 49, 90-97 and 100-107
 * are interpreted; any other escape sequence throws, so the test sees what it does not model.
 */
export function screenOf(text: string, theme: Theme, pad = 4): Screen {
  const base = { fg: grey(theme.foreground), bg: grey(theme.background) };
  const rows: number[][] = [];
  let { fg, bg } = base;
  for (const line of text.split('\n')) {
    const top: number[] = [];
    const bottom: number[] = [];
    for (let i = 0; i < line.length;) {
      const sgr = /^\x1b\[([\d;]*)m/.exec(line.slice(i));
      if (sgr !== null) {
        for (const code of (sgr[1] || '0').split(';').map(Number)) {
          const colour = (index: number): number => grey(theme.palette[index] as string);
          if (code === 0) ({ fg, bg } = base);
          else if (code === 39) fg = base.fg;
          else if (code === 49) bg = base.bg;
          else if (code >= 30 && code <= 37) fg = colour(code - 30);
          else if (code >= 90 && code <= 97) fg = colour(code - 90 + 8);
          else if (code >= 40 && code <= 47) bg = colour(code - 40);
          else if (code >= 100 && code <= 107) bg = theme.noBright ? bg : colour(code - 100 + 8);
          else throw new Error(`SGR ${code} is not modelled`);
        }
        i += sgr[0].length;
        continue;
      }
      const c = String.fromCodePoint(line.codePointAt(i) as number);
      if (c === '\x1b') throw new Error('an escape sequence other than SGR');
      const text = Math.round((fg + bg) / 2);
      top.push(c === '▀' || c === '█' ? fg : c === ' ' || c === '▄' ? bg : text);
      bottom.push(c === '▄' || c === '█' ? fg : c === ' ' || c === '▀' ? bg : text);
      i += c.length;
    }
    rows.push(top, bottom);
  }
  const width = Math.max(...rows.map((row) => row.length)) + 2 * pad;
  const height = rows.length + 4 * pad; // pad lines of two half rows each, above and below
  return {
    width,
    height,
    grey: (x, y) => rows[y - 2 * pad]?.[x - pad] ?? base.bg,
  };
}

/**
 * What zbarimg reads off `text` as `theme` shows it (the decoded bytes as UTF-8; '' when it finds no QR
 * code), drawn at 3 pixels per module into a temporary PGM file.
 */
export async function scan(text: string, theme: Theme): Promise<string> {
  const screen = screenOf(text, theme);
  const dir = mkdtempSync(join(tmpdir(), 'otpkit-screen-'));
  try {
    const file = join(dir, 'screen.pgm');
    writeFileSync(file, greyPGM(screen.width, screen.height, 3, screen.grey));
    return new TextDecoder().decode(await zbar([file]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
