/** A Uint32Array that grows by doubling: 4 bytes an item where a number[] of a million costs more. */
export class GrowableUint32 {
  private values = new Uint32Array(1024);
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }

  at(index: number): number {
    return this.values[index] as number;
  }

  /** The items so far (a view: later pushes may not show in it). */
  view(): Uint32Array {
    return this.values.subarray(0, this.size);
  }
}
