// Characters a POSIX shell (and cmd.exe) takes literally in a word.
const SAFE = /^[A-Za-z0-9_./:@%+=,~-]+$/;

/**
 * Quotes `word` for a POSIX shell, leaving plain words (`/tmp/a-b.txt`) untouched so that the
 * same command line still works on servers whose shell is not POSIX (Windows OpenSSH).
 * @example shellQuote("it's here") // 'it'\''s here'
 */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
