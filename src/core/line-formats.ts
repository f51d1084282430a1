/**
 * Parsers for the two line-based formats whose values are compared path by path.
 * Both return undefined for text that is not in the format, so callers fall back
 * to a line diff. (Maintained registry parsers — dot-properties, dotenv — would do
 * as well; these follow the same specifications without adding a dependency.)
 */

const WHITESPACE = new Set([' ', '\t', '\f']);

/**
 * java.util.Properties#load: logical lines joined across a trailing odd backslash (leading
 * whitespace of the next line dropped), `#`/`!` comments, the key ends at the first unescaped
 * `=`, `:` or whitespace, escapes (\t \n \r \f \uXXXX, \X → X) in keys and values.
 * `requireSeparator` (used when the format is only guessed from content) refuses lines without
 * `=` or `:`, since by the specification any line at all is a key.
 */
export function parseProperties(text: string, options: {requireSeparator?: boolean} = {}): Map<string, string> | undefined {
  const result = new Map<string, string>();
  const natural = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < natural.length; i++) {
    let line = stripLeading(natural[i]);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithOddBackslashes(line) && i + 1 < natural.length) {
      line = line.slice(0, -1) + stripLeading(natural[++i]);
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1);
    const entry = splitEntry(line);
    if (!entry || (options.requireSeparator && !entry.explicit)) return undefined;
    const key = unescapeProperties(entry.key);
    const value = unescapeProperties(entry.value);
    if (key === undefined || value === undefined) return undefined;
    result.set(key, value);
  }
  return result.size > 0 ? result : undefined;
}

function stripLeading(line: string): string {
  let i = 0;
  while (i < line.length && WHITESPACE.has(line[i])) i++;
  return line.slice(i);
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function splitEntry(line: string): {key: string; value: string; explicit: boolean} | undefined {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    i++;
  }
  const key = line.slice(0, i);
  let j = i;
  while (j < line.length && WHITESPACE.has(line[j])) j++;
  let explicit = false;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) {
    explicit = true;
    j++;
    while (j < line.length && WHITESPACE.has(line[j])) j++;
  }
  return {key, value: line.slice(j), explicit};
}

function unescapeProperties(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined; // Properties#load: "Malformed \uxxxx encoding"
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ({t: '\t', n: '\n', r: '\r', f: '\f'} as Record<string, string>)[next] ?? next;
    }
  }
  return out;
}

const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=[ \t]*/;

/**
 * .env as dotenv reads it: `KEY=value` or `export KEY=value`, `#` comment lines, single-quoted
 * values literal, double-quoted values with \n \r \t \" \\ escapes, both (and backticks) may span
 * lines; unquoted values end at ` #` (an inline comment) and are trimmed.
 */
export function parseDotenv(text: string): Map<string, string> | undefined {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ENV_LINE.exec(line);
    if (!match) return undefined;
    let rest = line.slice(match[0].length);
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value ends at the closing quote, possibly lines later.
      let body = rest.slice(1);
      let close = closingQuote(body, quote);
      while (close < 0 && i + 1 < lines.length) {
        body += `\n${lines[++i]}`;
        close = closingQuote(body, quote);
      }
      if (close < 0) return undefined;
      const after = body.slice(close + 1).trim();
      if (after !== '' && !after.startsWith('#')) return undefined;
      const raw = body.slice(0, close);
      result.set(match[1], quote === '"' ? unescapeDoubleQuoted(raw) : raw);
      continue;
    }
    const comment = rest.search(/\s#/);
    if (comment >= 0) rest = rest.slice(0, comment);
    result.set(match[1], rest.trim());
  }
  return result.size > 0 ? result : undefined;
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([nrt"\\])/g, (_, c: string) => ({n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\'})[c]!);
}
