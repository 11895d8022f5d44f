// Published QR Code data shared by the QR tests (issue 6).
import type { QRErrorCorrection } from '../../src/qr/index.js';

export const LEVELS: readonly QRErrorCorrection[] = ['L', 'M', 'Q', 'H'];

/** ISO/IEC 18004:2015 Table 7: data codewords for versions 1-40 at each level. */
export const DATA_CODEWORDS: Record<QRErrorCorrection, readonly number[]> = {
  L: [19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721, 795, 861, 932, 1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071, 2191, 2306, 2434, 2566, 2702, 2812, 2956],
  M: [16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334],
  Q: [13, 22, 34, 48, 62, 76, 88, 110, 132, 154, 180, 206, 244, 261, 295, 325, 367, 397, 445, 485, 512, 568, 614, 664, 718, 754, 808, 871, 911, 985, 1033, 1115, 1171, 1231, 1286, 1354, 1426, 1502, 1582, 1666],
  H: [9, 16, 26, 36, 46, 60, 66, 86, 100, 122, 140, 158, 180, 197, 223, 253, 283, 313, 341, 385, 406, 442, 464, 514, 538, 596, 628, 661, 701, 745, 793, 845, 901, 961, 986, 1054, 1096, 1142, 1222, 1276],
};

export type QRMode = 'numeric' | 'alphanumeric' | 'byte';

/**
 * The most characters (bytes in byte mode) a version holds at a level: 4 mode bits, the character count
 * in Table 3's width, then 10 bits per 3 digits (4 or 7 for the rest), 11 per 2 alphanumerics (6 for
 * one), 8 per byte (§7.4).
 */
export function capacity(ecc: QRErrorCorrection, version: number, mode: QRMode): number {
  const range = version < 10 ? 0 : version < 27 ? 1 : 2;
  const countBits = { numeric: [10, 12, 14], alphanumeric: [9, 11, 13], byte: [8, 16, 16] }[mode][range] as number;
  const bits = (DATA_CODEWORDS[ecc][version - 1] as number) * 8 - 4 - countBits;
  if (mode === 'byte') return Math.floor(bits / 8);
  const cost = mode === 'numeric' ? (n: number): number => 10 * Math.floor(n / 3) + [0, 4, 7][n % 3]! : (n: number): number => 11 * Math.floor(n / 2) + 6 * (n % 2);
  let n = Math.floor(bits / (mode === 'numeric' ? 3.33 : 5.5));
  while (cost(n + 1) <= bits) n++;
  while (cost(n) > bits) n--;
  return n;
}
