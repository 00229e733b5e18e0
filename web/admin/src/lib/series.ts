// Live chart data: per key (e.g. "SH-AC-01#1") a bounded list of [time ms, value] points.
export type Point = [number, number];

export class SeriesBuffer {
  private readonly data = new Map<string, Point[]>();

  constructor(private readonly maxPoints = 600) {}

  /** Adds a point; a point older than the key's last one is dropped (messages out of order). */
  push(key: string, at: number, value: number): void {
    let list = this.data.get(key);
    if (!list) {
      list = [];
      this.data.set(key, list);
    }
    const last = list[list.length - 1];
    if (last && at < last[0]) return;
    if (last && at === last[0]) last[1] = value;
    else list.push([at, value]);
    if (list.length > this.maxPoints) list.splice(0, list.length - this.maxPoints);
  }

  keys(): string[] {
    return [...this.data.keys()].sort();
  }

  points(key: string): Point[] {
    return this.data.get(key) ?? [];
  }

  size(): number {
    let n = 0;
    for (const list of this.data.values()) n += list.length;
    return n;
  }

  clear(): void {
    this.data.clear();
  }
}
