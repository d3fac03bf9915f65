// `node --import tsx web/make-icons.ts`: draws the app icons of the manifest (web/static/icon-*.png)
// from the favicon's shape — a white cross on the brand blue — as PNG, without any image library.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A square icon: brand blue, a white cross; `maskable` keeps the cross inside the safe zone (80%). */
function icon(size: number, maskable: boolean): Buffer {
  const rows: Buffer[] = [];
  const scale = maskable ? 0.6 : 0.8;
  const arm = (size * scale) / 3;
  const centre = size / 2;
  const radius = maskable ? 0 : size * 0.18;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const dx = Math.abs(x + 0.5 - centre);
      const dy = Math.abs(y + 0.5 - centre);
      // Rounded corners outside the maskable variant.
      const cx = Math.max(0, Math.abs(x + 0.5 - centre) - (centre - radius));
      const cy = Math.max(0, Math.abs(y + 0.5 - centre) - (centre - radius));
      const inside = radius === 0 || cx * cx + cy * cy <= radius * radius;
      const cross = (dx <= arm / 2 && dy <= arm * 1.5) || (dy <= arm / 2 && dx <= arm * 1.5);
      const [r, g, b, a] = !inside ? [0, 0, 0, 0] : cross ? [255, 255, 255, 255] : [0x16, 0x32, 0x5c, 255];
      row.set([r, g, b, a], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of [192, 512]) {
  writeFileSync(new URL(`./static/icon-${size}.png`, import.meta.url), icon(size, false));
  writeFileSync(new URL(`./static/icon-${size}-maskable.png`, import.meta.url), icon(size, true));
}
