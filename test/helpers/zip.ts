import zlib from 'node:zlib';

/** Real .zip bytes built by hand, so tests control names (GBK, UTF-8, unsafe paths), flags and compression. */

export interface ArchiveEntry {
  /** Raw name bytes (GBK, UTF-8 …) or a string written as UTF-8. */
  name: Buffer | string;
  data: Buffer;
  /** Set zip flag bit 11 (name is UTF-8). */
  utf8Flag?: boolean;
  deflate?: boolean;
  /** The unpacked size the headers declare, when a test makes them lie. */
  declaredSize?: number;
}

// The same bytes in many entries (a bomb of identical files) are compressed once.
const deflated = new WeakMap<Buffer, Buffer>();
const deflate = (data: Buffer): Buffer => {
  const known = deflated.get(data);
  if (known) return known;
  const body = zlib.deflateRawSync(data);
  deflated.set(data, body);
  return body;
};

export function writeZip(entries: ArchiveEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name) : e.name;
    const body = e.deflate ? deflate(e.data) : e.data;
    const flags = e.utf8Flag ? 0x800 : 0;
    const crc = zlib.crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.declaredSize ?? e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.declaredSize ?? e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A .zip as Windows and macOS tools write it today: deflated, UTF-8 names. */
export const makeZip = (files: { name: string; data: Buffer }[]): Buffer =>
  writeZip(files.map((f) => ({ ...f, utf8Flag: true, deflate: true })));
