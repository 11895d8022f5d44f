/**
 * `otpkit/qr`: a zero-dependency QR Code encoder (ISO/IEC 18004) for enrolment screens, with SVG and
 * terminal renderers. A separate entry point, so importing the root entry never loads it.
 *
 * @example
 * ```ts
 * import { encodeQR, qrToSVG, qrToTerminal } from '@otpkit/otpkit/qr';
 *
 * const qr = encodeQR('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example');
 * const svg = qrToSVG(qr); // an <svg> element as text, for the enrolment page
 * console.log(qr.size, svg.startsWith('<svg'));
 * console.log(qrToTerminal(qr)); // the same symbol in half-block characters
 * ```
 *
 * @module
 */
// Named re-exports only.
export { encodeQR } from './encode.ts';
export type { EncodeQROptions, QRErrorCorrection, QRMatrix } from './encode.ts';
export { qrToSVG, qrToTerminal } from './render.ts';
export type { QRSVGOptions, QRTerminalOptions } from './render.ts';
