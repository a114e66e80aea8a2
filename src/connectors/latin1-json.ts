/**
 * JSON parsed from UTF-8 bytes read as Latin-1, one character per byte: for the change-feed pages
 * of a million-dossier province, where decoding UTF-8 costs as much as parsing the JSON itself
 * (the Vietnamese names make nearly every page non-ASCII) and a Latin-1 read is a plain copy.
 *
 * UTF-8 writes every character outside ASCII with bytes of 0x80 and above only, so this view
 * has the same structure, the same numbers, booleans and keys, and every string made of ASCII
 * characters the same as the UTF-8 text; it parses exactly when the text does. A string holding
 * any other character comes out as its bytes (each as one character of U+0080–U+00FF), never
 * shorter than the text it stands for. A reader of this view therefore takes only strings that
 * are ASCII ({@link isAscii}) and checks the others for their type, or for a length no greater
 * than a limit, and reads the body as UTF-8 for anything else.
 *
 * Returns undefined, which JSON cannot hold, when the bytes are not JSON.
 */
export function parseJsonAsLatin1(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('latin1')) as unknown;
  } catch {
    return undefined;
  }
}

/** True when every character is ASCII: a string of the Latin-1 view that is the text itself. */
export function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) > 0x7f) return false;
  }
  return true;
}
