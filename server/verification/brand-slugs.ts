import { NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import { MAX_PAGE_LIMIT } from "../store/IndexStore.js";

/**
 * Brands by slug as well as by number: `/v1/brands/maison-aurelle`. A slug comes from the brand's
 * profile as registered on-chain, its name: lower case, accents dropped, every run of other
 * characters one dash ("Maison Aurelle" → `maison-aurelle`). Slugs are unique by construction: the
 * brand registered first keeps a slug, a later brand whose name gives the same one gets its id
 * appended (`maison-aurelle-7`), and a name that gives no letter at all gets `brand-<id>`. A slug
 * follows the registered name, so renaming a brand on-chain renames its slug.
 */
export type BrandKey = number | string;

const MAX_SLUG = 64;

export function slugOfName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/-+$/, "");
}

interface SlugTable {
  version: number;
  bySlug: Map<string, number>;
  byId: Map<number, string>;
}

/** The slug table of an index, rebuilt when the index has changed since it was built. */
export class BrandSlugs {
  private table: Promise<SlugTable> | null = null;
  private tableVersion = -1;

  constructor(private readonly index: IndexReader) {}

  private async build(version: number): Promise<SlugTable> {
    const bySlug = new Map<string, number>();
    const byId = new Map<number, string>();
    let cursor: string | undefined;
    do {
      // Brands come in registration (id) order: the first to claim a slug keeps it.
      const page = await this.index.listBrands({ cursor, limit: MAX_PAGE_LIMIT });
      for (const brand of page.items) {
        const base = slugOfName(brand.name);
        const candidates = /[a-z]/.test(base)
          ? [base, `${base}-${brand.brandId}`, `brand-${brand.brandId}`]
          : [`brand-${brand.brandId}`];
        const slug = candidates.find((candidate) => !bySlug.has(candidate)) ?? `brand-${brand.brandId}`;
        bySlug.set(slug, brand.brandId);
        byId.set(brand.brandId, slug);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return { version, bySlug, byId };
  }

  private current(): Promise<SlugTable> {
    const version = this.index.contentVersion();
    if (this.table === null || this.tableVersion !== version) {
      this.tableVersion = version;
      this.table = this.build(version);
      // A failed read is not kept: the next request reads again.
      this.table.catch(() => {
        if (this.tableVersion === version) this.table = null;
      });
    }
    return this.table;
  }

  /** The brand id a path or query names, by number or by slug (NotFoundError for an unknown slug). */
  async idOf(key: BrandKey): Promise<number> {
    if (typeof key === "number") return key;
    const id = (await this.current()).bySlug.get(key);
    if (id === undefined) throw new NotFoundError(`No brand has the slug ${JSON.stringify(key)}`);
    return id;
  }

  async slugOf(brandId: number): Promise<string> {
    return (await this.current()).byId.get(brandId) ?? `brand-${brandId}`;
  }
}
