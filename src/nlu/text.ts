/**
 * Text normalisation shared by the classifier and the offline embedder: Unicode-folded, lower-case,
 * accents and apostrophes removed ("don't" → "dont", "café" → "cafe").
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '');
}

/** Word tokens: runs of letters or digits of the normalised text. */
export function wordTokens(text: string): string[] {
  return normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Character n-grams inside word boundaries (scikit-learn's char_wb): each token padded with one space on
 * each side, so "card" gives " ca", "car", "ard", "rd ", … They match misspellings and word forms.
 */
export function charNgrams(tokens: readonly string[], minLength: number, maxLength: number, into: (gram: string) => void): void {
  for (const token of tokens) {
    const padded = ` ${token} `;
    for (let n = minLength; n <= maxLength; n++) {
      if (padded.length < n) break;
      for (let start = 0; start + n <= padded.length; start++) into(padded.slice(start, start + n));
    }
  }
}
