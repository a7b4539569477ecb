import { describe, expect, test } from 'vitest';
import { buildTable, renderTable, renderVerdict } from './routingTable.js';
import { tinyScenario } from './testing/tinyRegion.js';

describe('routing table', () => {
  const rows = buildTable([{ name: 'tiny', scenario: tinyScenario() }], [1, 2, 3]);

  test('one row per policy, averaged over the seeds', () => {
    expect(rows.map((r) => r.policy)).toEqual(['deadline-aware', 'fifo', 'round-robin', 'least-loaded']);
    for (const r of rows) {
      expect(r.seeds).toBe(3);
      expect(r.compliance).toBeGreaterThan(0.9);
      expect(r.seedsAllEmergenciesInTime).toBeLessThanOrEqual(3);
    }
    // every policy meets the same studies, so the offered load is the same
    expect(new Set(rows.map((r) => r.studies)).size).toBe(1);
  });

  test('renders Markdown tables with a row per policy and a verdict per scenario', () => {
    const table = renderTable(rows).split('\n');
    expect(table).toHaveLength(2 + 4);
    expect(table[2]).toMatch(/^\| tiny \| deadline-aware \| \d+ \| \d+\.\d % \|/);
    const verdict = renderVerdict(rows).split('\n');
    expect(verdict).toHaveLength(3);
    expect(verdict[2]).toMatch(
      /^\| tiny \| \d+\.\d % \| (yes|no) \| (better|tie|worse) \| (better|tie|worse) \| (better|tie|worse) \|$/,
    );
  });
});
