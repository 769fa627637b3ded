import zlib from 'node:zlib';

/** A .rar writer, by hand so names and sizes can be anything (zip: ./zip.ts). */

/** RAR 4 archive with stored (uncompressed) files and UTF-8 names. */
export function makeRar(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const block = (fields: Buffer) => {
    const head = Buffer.alloc(2);
    head.writeUInt16LE(zlib.crc32(fields) & 0xffff, 0);
    return Buffer.concat([head, fields]);
  };
  const mainHeader = Buffer.alloc(11);
  mainHeader.writeUInt8(0x73, 0);
  mainHeader.writeUInt16LE(13, 3);
  const parts: Buffer[] = [Buffer.from('Rar!\x1a\x07\x00', 'latin1'), block(mainHeader)];
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(30);
    h.writeUInt8(0x74, 0); // file header
    h.writeUInt16LE(0x8000 | 0x0200, 1); // has data size; name is Unicode (UTF-8 when it holds no NUL)
    h.writeUInt16LE(32 + name.length, 3);
    h.writeUInt32LE(e.data.length, 5); // packed size
    h.writeUInt32LE(e.declaredSize ?? e.data.length, 9); // unpacked size (a test may understate it)
    h.writeUInt8(3, 13); // host OS: Unix
    h.writeUInt32LE(zlib.crc32(e.data), 14);
    h.writeUInt32LE(0x58210000, 18); // DOS time
    h.writeUInt8(29, 22); // version needed 2.9
    h.writeUInt8(0x30, 23); // method: store
    h.writeUInt16LE(name.length, 24);
    h.writeUInt32LE(0o100644, 26);
    parts.push(block(Buffer.concat([h, name])), e.data);
  }
  const end = Buffer.alloc(5);
  end.writeUInt8(0x7b, 0);
  end.writeUInt16LE(0x4000, 1);
  end.writeUInt16LE(7, 3);
  parts.push(block(end));
  return Buffer.concat(parts);
}
