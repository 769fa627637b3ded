/** 1536 → "1.5 KB", 700 × 1024² → "700 MB": binary units, as Windows shows file sizes. */
export function formatBytes(bytes: number | string | bigint): string {
  let n = Number(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 || Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}
