/**
 * Approximate character sets for the regex safety check. ASCII characters are tracked exactly;
 * everything above U+007F is one bucket, so two sets that both admit some non-ASCII character
 * count as overlapping. Erring towards "overlaps" is what keeps the check conservative.
 */
export class CharSet {
  private readonly bits = new Uint32Array(4);
  private other = false;

  static empty(): CharSet {
    return new CharSet();
  }

  static any(): CharSet {
    const set = new CharSet();
    set.bits.fill(0xffffffff);
    set.other = true;
    return set;
  }

  static of(code: number, ignoreCase = false): CharSet {
    const set = new CharSet();
    set.addRange(code, code, ignoreCase);
    return set;
  }

  static digits(): CharSet {
    return CharSet.empty().addRange(48, 57);
  }

  static word(): CharSet {
    return CharSet.empty().addRange(48, 57).addRange(65, 90).addRange(97, 122).addRange(95, 95);
  }

  static space(): CharSet {
    const set = CharSet.empty().addRange(9, 13).addRange(32, 32);
    set.other = true; // U+00A0, U+2028 and friends
    return set;
  }

  /** `.` without the `s` flag: anything but line terminators. */
  static dot(dotAll: boolean): CharSet {
    const set = CharSet.any();
    if (!dotAll) {
      set.remove(10);
      set.remove(13);
    }
    return set;
  }

  addRange(from: number, to: number, ignoreCase = false): this {
    for (let code = from; code <= Math.min(to, 127); code++) {
      this.add(code);
      if (ignoreCase) this.addOtherCase(code);
    }
    // A range reaching past ASCII, or any letter under `i` (which can fold to non-ASCII), may
    // match characters in the non-ASCII bucket.
    if (to > 127 || (ignoreCase && hasLetter(from, to))) this.other = true;
    return this;
  }

  union(other: CharSet): this {
    for (let i = 0; i < 4; i++) this.bits[i] |= other.bits[i];
    this.other ||= other.other;
    return this;
  }

  complement(): CharSet {
    const set = new CharSet();
    for (let i = 0; i < 4; i++) set.bits[i] = ~this.bits[i];
    // The complement of a set touching the non-ASCII bucket may still hold non-ASCII characters.
    set.other = true;
    return set;
  }

  overlaps(other: CharSet): boolean {
    if (this.other && other.other) return true;
    for (let i = 0; i < 4; i++) if ((this.bits[i] & other.bits[i]) !== 0) return true;
    return false;
  }

  isEmpty(): boolean {
    return !this.other && this.bits.every((word) => word === 0);
  }

  private add(code: number): void {
    this.bits[code >> 5] |= 1 << (code & 31);
  }

  private remove(code: number): void {
    this.bits[code >> 5] &= ~(1 << (code & 31));
  }

  private addOtherCase(code: number): void {
    if (code >= 65 && code <= 90) this.add(code + 32);
    else if (code >= 97 && code <= 122) this.add(code - 32);
  }
}

function hasLetter(from: number, to: number): boolean {
  return from <= 122 && to >= 65;
}
