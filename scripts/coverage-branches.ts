/**
 * Branch figures for the contracts, from the data `npx hardhat test --coverage` leaves in coverage/.
 *
 * Hardhat 3 reports line and statement coverage only (EDR records statement hits, not branches; the LCOV
 * it writes has no BRDA records). This derives if/else branch coverage from those statement hits:
 *   - the true side of `if` is taken when the first statement of its body was hit;
 *   - the false side is taken when the `else` body's first statement was hit or, without an `else`, when
 *     the `if` statement was hit more often than its body (EDR counts every hit, reverted calls included).
 * Ternaries and short-circuit `&&`/`||` operands are not statements, so they are not counted.
 *
 * Run after the coverage run: `node scripts/coverage-branches.ts` (Node >= 23 strips the types).
 * Prints a Markdown table of lines and branches per file, with the uncovered ones.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { addStatementCoverageInstrumentation } from "@nomicfoundation/edr";
import solc from "solc";

const COVERAGE_DIR = "coverage";
const SOLC_VERSION = "0.8.30";
/** Hardhat 3 names project sources `project/<path>`; the statement tags are derived from that name. */
const SOURCE_NAME_PREFIX = "project/";
const EXCLUDED = [/^contracts\/mocks\//, /^contracts\/test-utils\//, /\.t\.sol$/, /^contracts\/interfaces\//];

interface AstNode {
  nodeType: string;
  src: string;
  [key: string]: unknown;
}

interface Statement {
  tag: string;
  start: number;
  end: number;
}

interface BranchResult {
  line: number;
  side: "true" | "false";
  taken: boolean;
  code: string;
}

interface FileReport {
  file: string;
  linesFound: number;
  linesHit: number;
  uncoveredLines: number[];
  branches: BranchResult[];
  unresolved: number;
}

function readHitCounts(): Map<string, number> {
  const hits = new Map<string, number>();
  const dataDir = path.join(COVERAGE_DIR, "data");
  for (const runner of readdirSync(dataDir)) {
    for (const file of readdirSync(path.join(dataDir, runner))) {
      const counts = JSON.parse(readFileSync(path.join(dataDir, runner, file), "utf8")) as Record<
        string,
        number
      >;
      for (const [tag, count] of Object.entries(counts)) hits.set(tag, (hits.get(tag) ?? 0) + count);
    }
  }
  return hits;
}

function readLcovLines(): Map<string, { found: number; hit: number; uncovered: number[] }> {
  const files = new Map<string, { found: number; hit: number; uncovered: number[] }>();
  let current: { found: number; hit: number; uncovered: number[] } | undefined;
  for (const line of readFileSync(path.join(COVERAGE_DIR, "lcov.info"), "utf8").split("\n")) {
    if (line.startsWith("SF:")) {
      current = { found: 0, hit: 0, uncovered: [] };
      files.set(line.slice(3), current);
    } else if (current && line.startsWith("DA:")) {
      const [lineNumber, count] = line.slice(3).split(",").map(Number);
      current.found += 1;
      if (count > 0) current.hit += 1;
      else current.uncovered.push(lineNumber);
    }
  }
  return files;
}

/** solc-js types `compile` as `any`; this is its standard-JSON signature. */
const compileStandardJson = solc.compile as (input: string) => string;

function parseAst(file: string, content: string): AstNode {
  const input = {
    language: "Solidity",
    sources: { [file]: { content } },
    settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(compileStandardJson(JSON.stringify(input))) as {
    sources?: Record<string, { ast: AstNode }>;
    errors?: { severity: string; formattedMessage: string }[];
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0 || !output.sources) {
    throw new Error(`cannot parse ${file}: ${errors.map((e) => e.formattedMessage).join("\n")}`);
  }
  return output.sources[file].ast;
}

function collect(node: unknown, nodeType: string, into: AstNode[]): void {
  if (Array.isArray(node)) {
    for (const child of node) collect(child, nodeType, into);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const astNode = node as AstNode;
  if (astNode.nodeType === nodeType) into.push(astNode);
  for (const value of Object.values(astNode)) collect(value, nodeType, into);
}

function analyseFile(
  file: string,
  hits: Map<string, number>,
  lines: ReturnType<typeof readLcovLines>,
): FileReport {
  const content = readFileSync(file, "utf8");
  const bytes = Buffer.from(content, "utf8");
  // solc positions are UTF-8 byte offsets; EDR's are UTF-16 code units.
  const toUtf16 = (byteOffset: number): number => bytes.subarray(0, byteOffset).toString("utf8").length;
  const lineOf = (utf16Offset: number): number => content.slice(0, utf16Offset).split("\n").length;
  const rangeOf = (node: AstNode): [number, number] => {
    const [start, length] = node.src.split(":").map(Number);
    return [toUtf16(start), toUtf16(start + length)];
  };

  const { metadata } = addStatementCoverageInstrumentation(content, SOURCE_NAME_PREFIX + file, SOLC_VERSION);
  const statements: Statement[] = metadata.map((m) => ({
    tag: Buffer.from(m.tag).toString("hex"),
    start: m.startUtf16,
    end: m.endUtf16,
  }));
  /** The innermost instrumented statement that spans the node. */
  const statementOf = (node: AstNode): Statement | undefined => {
    const [start, end] = rangeOf(node);
    let best: Statement | undefined;
    for (const s of statements) {
      if (s.start <= start && s.end >= end && (!best || s.end - s.start < best.end - best.start)) best = s;
    }
    return best;
  };
  const firstStatement = (body: AstNode): AstNode | undefined => {
    if (body.nodeType === "Block" || body.nodeType === "UncheckedBlock") {
      return (body.statements as AstNode[])[0];
    }
    return body;
  };
  const count = (s: Statement): number => hits.get(s.tag) ?? 0;
  const lineData = lines.get(file) ?? { found: 0, hit: 0, uncovered: [] };
  // Tags hash the source text: a file edited after the coverage run no longer matches its hits.
  if (lineData.hit > 0 && !statements.some((s) => hits.has(s.tag))) {
    throw new Error(`${file} changed since the coverage run: run \`npx hardhat test --coverage\` again`);
  }

  const ifs: AstNode[] = [];
  collect(parseAst(file, content), "IfStatement", ifs);
  const branches: BranchResult[] = [];
  let unresolved = 0;
  for (const ifNode of ifs) {
    const [ifStart] = rangeOf(ifNode);
    const line = lineOf(ifStart);
    const code = content.split("\n")[line - 1].trim();
    const ifStatement = statementOf(ifNode);
    const trueFirst = firstStatement(ifNode.trueBody as AstNode);
    const trueStatement = trueFirst && statementOf(trueFirst);
    if (!ifStatement || !trueStatement || trueStatement === ifStatement) {
      unresolved += 1;
      continue;
    }
    if (count(trueStatement) > count(ifStatement)) {
      console.error(
        `${file}:${line}: body hit more often than its if; hits are not counts, false sides unreliable`,
      );
    }
    branches.push({ line, side: "true", taken: count(trueStatement) > 0, code });
    const falseBody = ifNode.falseBody as AstNode | null | undefined;
    if (falseBody) {
      const falseFirst = firstStatement(falseBody);
      const falseStatement = falseFirst && statementOf(falseFirst);
      if (!falseStatement || falseStatement === ifStatement) {
        unresolved += 1;
        continue;
      }
      branches.push({ line, side: "false", taken: count(falseStatement) > 0, code });
    } else {
      branches.push({ line, side: "false", taken: count(ifStatement) > count(trueStatement), code });
    }
  }

  return {
    file,
    linesFound: lineData.found,
    linesHit: lineData.hit,
    uncoveredLines: lineData.uncovered,
    branches,
    unresolved,
  };
}

function percent(hit: number, found: number): string {
  return found === 0 ? "n/a" : `${((100 * hit) / found).toFixed(2)}%`;
}

function listSolidityFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return listSolidityFiles(full);
    return entry.name.endsWith(".sol") ? [full] : [];
  });
}

if (!existsSync(path.join(COVERAGE_DIR, "lcov.info"))) {
  throw new Error("no coverage/lcov.info: run `npx hardhat test --coverage` first");
}
const hits = readHitCounts();
const lines = readLcovLines();
const reports = listSolidityFiles("contracts")
  .filter((file) => !EXCLUDED.some((pattern) => pattern.test(file)))
  .sort()
  .map((file) => analyseFile(file, hits, lines));

const total = { linesFound: 0, linesHit: 0, branchesFound: 0, branchesHit: 0 };
console.log("| File | Lines | Branches (if/else) | Uncovered lines | Untaken branches (line: side) |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of reports) {
  const branchesHit = r.branches.filter((b) => b.taken).length;
  total.linesFound += r.linesFound;
  total.linesHit += r.linesHit;
  total.branchesFound += r.branches.length;
  total.branchesHit += branchesHit;
  const untaken = r.branches.filter((b) => !b.taken).map((b) => `${b.line}: ${b.side}`);
  console.log(
    `| ${r.file} | ${percent(r.linesHit, r.linesFound)} (${r.linesHit}/${r.linesFound}) | ` +
      `${percent(branchesHit, r.branches.length)} (${branchesHit}/${r.branches.length}) | ` +
      `${r.uncoveredLines.join(", ") || "-"} | ${untaken.join("; ") || "-"} |`,
  );
  if (r.unresolved > 0)
    console.error(`${r.file}: ${r.unresolved} if statement(s) could not be mapped to hits`);
}
console.log(
  `| **Total** | ${percent(total.linesHit, total.linesFound)} (${total.linesHit}/${total.linesFound}) | ` +
    `${percent(total.branchesHit, total.branchesFound)} (${total.branchesHit}/${total.branchesFound}) | | |`,
);
console.log("\nUntaken branches:");
for (const r of reports) {
  for (const b of r.branches.filter((branch) => !branch.taken)) {
    console.log(`- ${r.file}:${b.line} (${b.side}): \`${b.code}\``);
  }
}
