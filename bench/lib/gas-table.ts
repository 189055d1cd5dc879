import { type ContractTransactionResponse, getBytes } from "ethers";

/** Intrinsic gas of calldata: 16 per non-zero byte, 4 per zero byte (EIP-2028). */
export function calldataGas(data: string): bigint {
  let gas = 0n;
  for (const byte of getBytes(data)) gas += byte === 0 ? 4n : 16n;
  return gas;
}

/**
 * The calldata gas of the transaction `gasOf` measured last. The benchmarks measure one transaction at a time
 * and record it at once, so `GasTable.add` and `addBaseline` attach it to the row they record.
 */
let lastCalldataGas: bigint | undefined;

/** gasUsed from the receipt of a mined transaction. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (receipt === null) throw new Error("transaction was not mined");
  lastCalldataGas = calldataGas(sent.data);
  return receipt.gasUsed;
}

/** A measured operation: what was done, to how many items, for how much gas in one transaction. */
export interface GasMeasurement {
  /** Groups rows in the report, e.g. "Certificate (ERC-721)". */
  section: string;
  operation: string;
  /** Items the transaction handled; the per-item figure is the total divided by this, tx overhead included. */
  items: number;
  gas: bigint;
  /** Key of the baseline series this row is compared with (same item count), if any. */
  compareWith?: string;
  note?: string;
  /** Intrinsic gas of the transaction's calldata (attached from the last `gasOf` when not given). */
  calldataGas?: bigint;
}

/** A reference implementation measured in the same run, keyed so rows can name it. */
export interface BaselineSeries {
  key: string;
  /** Shown in the report's baseline column header and legend. */
  label: string;
  description: string;
}

export interface GasRow extends GasMeasurement {
  perItem: bigint;
  baselinePerItem?: bigint;
  /** Our per-item gas divided by the baseline's; below 1 is cheaper. */
  ratio?: number;
}

/** Per-item gas, rounded to the nearest unit. */
export function perItem(gas: bigint, items: number): bigint {
  const n = BigInt(items);
  return (gas + n / 2n) / n;
}

const formatGas = (gas: bigint): string => gas.toLocaleString("en-US");

/**
 * Collects gas measurements of several contracts and their baselines and renders them as one Markdown table.
 * Each contract's benchmark adds its own section; a row names the baseline series it is compared with and
 * the ratio is taken against that series' measurement for the same number of items.
 */
export class GasTable {
  private readonly measurements: GasMeasurement[] = [];
  private readonly series = new Map<string, BaselineSeries>();
  private readonly baselineMeasurements = new Map<string, Map<number, bigint>>();

  /** Declares a baseline series; its measurements are added with `addBaseline`. */
  defineBaseline(series: BaselineSeries): void {
    if (this.series.has(series.key)) throw new Error(`baseline ${series.key} defined twice`);
    this.series.set(series.key, series);
    this.baselineMeasurements.set(series.key, new Map());
  }

  /** Records a baseline measurement; it also appears as a row of `section`. */
  addBaseline(key: string, section: string, operation: string, items: number, gas: bigint): void {
    const byItems = this.baselineMeasurements.get(key);
    if (byItems === undefined) throw new Error(`unknown baseline ${key}`);
    byItems.set(items, gas);
    this.measurements.push({ section, operation, items, gas, calldataGas: lastCalldataGas });
  }

  add(measurement: GasMeasurement): void {
    if (measurement.items < 1) throw new Error(`${measurement.operation}: items must be at least 1`);
    if (measurement.compareWith !== undefined && !this.series.has(measurement.compareWith)) {
      throw new Error(`${measurement.operation}: unknown baseline ${measurement.compareWith}`);
    }
    this.measurements.push({ calldataGas: lastCalldataGas, ...measurement });
  }

  /** The baseline's total gas for `items` items, if it was measured. */
  baselineGas(key: string, items: number): bigint | undefined {
    return this.baselineMeasurements.get(key)?.get(items);
  }

  /** The baseline's per-item gas for `items` items, if it was measured. */
  baselinePerItem(key: string, items: number): bigint | undefined {
    const gas = this.baselineGas(key, items);
    return gas === undefined ? undefined : perItem(gas, items);
  }

  /** The row recorded for `operation` with `items` items in `section`. */
  find(section: string, operation: string, items: number): GasRow {
    const row = this.rows().find(
      (r) => r.section === section && r.operation === operation && r.items === items,
    );
    if (row === undefined) throw new Error(`no row ${section} / ${operation} / ${items}`);
    return row;
  }

  rows(): GasRow[] {
    return this.measurements.map((m) => {
      const row: GasRow = { ...m, perItem: perItem(m.gas, m.items) };
      if (m.compareWith !== undefined) {
        const base = this.baselinePerItem(m.compareWith, m.items);
        if (base === undefined)
          throw new Error(`${m.operation}: ${m.compareWith} not measured for ${m.items} items`);
        row.baselinePerItem = base;
        row.ratio = Number(row.perItem) / Number(base);
      }
      return row;
    });
  }

  /** The table, one sub-header row per section, followed by a legend of the baselines. */
  toMarkdown(): string {
    const lines = [
      "| Operation | Items | Gas (total) | Gas / item | Baseline gas / item | Ratio |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
    ];
    let section: string | undefined;
    for (const row of this.rows()) {
      if (row.section !== section) {
        section = row.section;
        lines.push(`| **${section}** | | | | | |`);
      }
      const operation = row.note === undefined ? row.operation : `${row.operation} — ${row.note}`;
      const baseline =
        row.baselinePerItem === undefined
          ? "—"
          : `${formatGas(row.baselinePerItem)} (${this.series.get(row.compareWith ?? "")?.label ?? ""})`;
      const ratio = row.ratio === undefined ? "—" : `${row.ratio.toFixed(2)}×`;
      lines.push(
        `| ${operation} | ${row.items} | ${formatGas(row.gas)} | ${formatGas(row.perItem)} | ${baseline} | ${ratio} |`,
      );
    }
    if (this.series.size > 0) {
      lines.push("", "Baselines:", "");
      for (const s of this.series.values()) lines.push(`- **${s.label}**: ${s.description}`);
    }
    return lines.join("\n");
  }
}
