/** A file name from the browser made safe to use inside our own temp folder. */
export function safeUploadName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}<>:"|?*]/gu, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(-120);
  return cleaned || 'upload';
}
