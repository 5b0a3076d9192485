/**
 * PDF documents (A4) with Chinese text: pdfkit with Noto Sans SC, a font that ships in an npm
 * package (@expo-google-fonts/noto-sans-sc, SIL Open Font License) and is embedded as a subset of the
 * characters used, so a file opens the same on any machine. The fonts are parsed once per process
 * and shared by every document: reading and parsing the two 10 MB files cost most of a document's time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
};

let fonts: { regular: fontkit.Font; bold: fontkit.Font } | undefined;
function loadFonts(): { regular: fontkit.Font; bold: fontkit.Font } {
  fonts ??= { regular: fontkit.create(readFileSync(FONT_FILES.regular)) as fontkit.Font, bold: fontkit.create(readFileSync(FONT_FILES.bold)) as fontkit.Font };
  return fonts;
}

export type PdfDocument = PDFKit.PDFDocument;

/** A new A4 document with the fonts `regular` and `bold` registered, and the promise of its bytes once ended. */
export function createPdf(options: { margin: number; info: PDFKit.DocumentInfo }): { doc: PdfDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margin: options.margin, info: options.info });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { regular, bold } = loadFonts();
  // pdfkit takes a parsed fontkit font as it takes a file (its types name only files and buffers).
  doc.registerFont('regular', regular as unknown as Buffer);
  doc.registerFont('bold', bold as unknown as Buffer);
  return { doc, done };
}
