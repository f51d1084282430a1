/**
 * Secret values travel as base64 bytes. The tool works on text where the bytes are
 * valid UTF-8 and keeps the rest as base64, and every byte must survive the round
 * trip: a byte-order mark, CR, NUL, zero-width characters and unnormalised text
 * included. Decoding therefore never strips a BOM (`ignoreBOM: true`: the WHATWG
 * decoder removes one by default) and never replaces invalid bytes (`fatal: true`).
 */
const strictUtf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});

/** Decodes a Secret's `data` into text values (valid UTF-8) and base64 values (anything else). */
export function decodeSecretData(encoded: Record<string, string>): {data: Record<string, string>; binaryData: Record<string, string>} {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const [key, value] of Object.entries(encoded)) {
    const text = decodeUtf8Exactly(Buffer.from(value, 'base64'));
    if (text === undefined) binaryData[key] = value;
    else data[key] = text;
  }
  return {data, binaryData};
}

/** The inverse of decodeSecretData: base64 of exactly the bytes that were read. */
export function encodeSecretData(object: {data: Record<string, string>; binaryData: Record<string, string>}): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(object.data)) encoded[key] = Buffer.from(value, 'utf8').toString('base64');
  for (const [key, value] of Object.entries(object.binaryData)) encoded[key] = value;
  return encoded;
}

/** The text of these bytes when they are valid UTF-8 and encode back to the same bytes, else undefined. */
export function decodeUtf8Exactly(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  // Belt and braces: text is only used where encoding it gives back the very same bytes.
  return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}
