import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { licenseQrPng, licenseQrSvg } from './qr.ts';

const url = 'https://certbridge.example/verify/1.2.156.3005.2.11100000000013338W.330000.0000001.001.X';

describe('license QR codes', () => {
  it('renders a PNG', async () => {
    const png = await licenseQrPng(url);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.readUInt32BE(16)).toBe(512); // IHDR width
    expect(png.readUInt32BE(20)).toBe(512);
  });

  it('renders an SVG with error correction M', async () => {
    const svg = await licenseQrSvg(url);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toBe(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    // the level shows in the symbol: an L or H rendering of the same URL differs
    expect(svg).not.toBe(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'L', margin: 4 }));
    expect(svg).not.toBe(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'H', margin: 4 }));
  });

  it('encodes different URLs differently', async () => {
    expect(await licenseQrSvg(url)).not.toBe(await licenseQrSvg(`${url}Y`));
  });
});
