/** Counts open connections per remote address, so that one address cannot hold unbounded many. */
export class AddressCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Whether the address holds the maximum already. */
  full(address: string): boolean {
    return (this.open.get(address) ?? 0) >= this.max;
  }

  /** Counts one more connection of the address. */
  add(address: string): void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
  }

  /** Counts one connection of the address less. */
  remove(address: string): void {
    const left = (this.open.get(address) ?? 0) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }
}
