import { existsSync, renameSync } from 'node:fs';
import hnswlib from 'hnswlib-node';

// hnswlib-node is CommonJS: only the default import works at run time (a named import passes tsc, then crashes).
const { HierarchicalNSW } = hnswlib;

/** Search-time breadth: hnswlib does not save it, so it is set again after every load. */
const EF_SEARCH = 64;

/**
 * Cosine kNN over chunk vectors on disk (hnswlib). Labels are chunk ids. Deleted chunks are marked deleted and
 * their slots reused by later additions.
 */
export class VectorIndex {
  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimensions: number,
    private readonly labels: Set<number>,
  ) {}

  static create(dimensions: number, capacity = 256): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.initIndex({ maxElements: Math.max(16, capacity), m: 16, efConstruction: 200, randomSeed: 100, allowReplaceDeleted: true });
    index.setEf(EF_SEARCH);
    return new VectorIndex(index, dimensions, new Set());
  }

  /** Loads an index written by {@link save}; undefined when the file is missing or unreadable. */
  static load(path: string, dimensions: number): VectorIndex | undefined {
    if (!existsSync(path)) return undefined;
    try {
      const index = new HierarchicalNSW('cosine', dimensions);
      index.readIndexSync(path, true);
      index.setEf(EF_SEARCH);
      return new VectorIndex(index, dimensions, new Set(index.getIdsList()));
    } catch {
      return undefined;
    }
  }

  get size(): number {
    return this.labels.size;
  }

  has(label: number): boolean {
    return this.labels.has(label);
  }

  add(label: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dimensions) throw new Error(`vector of ${vector.length} dimensions added to an index of ${this.dimensions}`);
    // readIndex sets the capacity to the saved count, and adding past it throws: grow first, with headroom.
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) this.index.resizeIndex(Math.ceil(this.index.getMaxElements() * 1.5) + 16);
    this.index.addPoint(Array.from(vector), label, true);
    this.labels.add(label);
  }

  remove(label: number): void {
    if (!this.labels.delete(label)) return;
    this.index.markDelete(label);
  }

  /** The `k` nearest chunks, best first, with cosine similarity (hnswlib returns distances: 1 − cosine). */
  search(vector: ArrayLike<number>, k: number): Array<{ label: number; similarity: number }> {
    if (this.labels.size === 0) return [];
    const result = this.index.searchKnn(Array.from(vector), Math.min(k, this.labels.size));
    return result.neighbors.map((label, index) => ({ label, similarity: 1 - result.distances[index]! }));
  }

  /** Writes to a temporary file first, so a crash mid-write never leaves a half-written index. */
  save(path: string): void {
    const temporary = `${path}.tmp`;
    this.index.writeIndexSync(temporary);
    renameSync(temporary, path);
  }
}
