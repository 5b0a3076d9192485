/**
 * QR codes printed on / shown with a license; they carry the public verification URL.
 * Error correction M (~15%): survives a worn print or a phone photo at an angle while keeping the
 * symbol small enough for the long verification URLs.
 */
import QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export function licenseQrPng(url: string): Promise<Buffer> {
  // width 512: sharp when printed at ~3 cm and when scaled down on a screen.
  return QRCode.toBuffer(url, { ...OPTIONS, type: 'png', width: 512 });
}

export function licenseQrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...OPTIONS, type: 'svg' });
}
