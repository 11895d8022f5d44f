// otpkit/qr: a zero-dependency QR Code encoder (ISO/IEC 18004) for enrolment screens. Named re-exports only;
// a separate entry point, so `import ... from 'otpkit'` never loads it.
export { encodeQR } from './encode.js';
export type { EncodeQROptions, QRErrorCorrection, QRMatrix } from './encode.js';
export { qrToSVG, qrToTerminal } from './render.js';
export type { QRSVGOptions, QRTerminalOptions } from './render.js';
