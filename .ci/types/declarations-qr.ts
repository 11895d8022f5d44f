// A declaration profile's program (.ci/types/run.mjs): inferred types from `otpkit/qr` alone, emitted
// with `declaration: true`. Without `otpkit` in the program, a type otpkit/qr's declarations took from
// the shared chunk and did not export could not be named. Compiled only, never run.
import {
  encodeQR,
  type EncodeQROptions,
  type QRMatrix,
  type QRSVGOptions,
  type QRTerminalOptions,
} from 'otpkit/qr';

export const matrixOf = (text: string, options?: EncodeQROptions) => encodeQR(text, options);
export const levelOf = (matrix: QRMatrix) => matrix.ecc;
export const levelAsked = (options: EncodeQROptions) => options.ecc;
export const svgLight = (options: QRSVGOptions) => options.light;
export const svgWidth = (options: QRSVGOptions) => options.width;
export const terminalColor = (options: QRTerminalOptions) => options.color;
