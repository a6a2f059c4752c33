/**
 * The state of one live preview: the editor's file, the last rendering that worked, and what is
 * wrong with the file now. Phases: `starting` (nothing read yet) → `ok` (the file renders) or
 * `invalid` (it has problems; the last good rendering stays) → … on every save.
 *
 * 1. Read and check the file (LoadReport).
 * 2. Problems: keep the last good rendering, publish the problems with their lines.
 * 3. A valid report: render it (both locales), publish it and clear the problems.
 */
import { singleFlight } from '../../local/single-flight.ts';
import type { LoadReport, Problem } from './load.ts';
import type { Rendering, RenderPreview } from './render.ts';

export type PreviewPhase = 'starting' | 'ok' | 'invalid';

export interface PreviewState {
  /** Grows with every check: the page ignores an older state arriving late. */
  version: number;
  phase: PreviewPhase;
  file: string;
  /** When the file was last checked (ISO). */
  checkedAt: string | null;
  problems: Problem[];
  /** The last good rendering, kept while the file is invalid. */
  rendering: Rendering | null;
  renderedAt: string | null;
}

export type StateListener = (state: PreviewState) => void;

export class PreviewSession {
  private current: PreviewState;
  private readonly listeners = new Set<StateListener>();
  private readonly check = singleFlight(() => this.checkOnce());

  constructor(
    private readonly file: string,
    private readonly load: LoadReport,
    private readonly render: RenderPreview,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = {
      version: 0,
      phase: 'starting',
      file,
      checkedAt: null,
      problems: [],
      rendering: null,
      renderedAt: null,
    };
  }

  get state(): PreviewState {
    return this.current;
  }

  /** Calls `listener` with every new state; returns the unsubscribe. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Checks the file again, after a check under way (saves in a burst share one). */
  refresh(): Promise<PreviewState> {
    return this.check.fresh();
  }

  private async checkOnce(): Promise<PreviewState> {
    // 1. Read and check.
    const loaded = await this.load(this.file).catch((err: unknown) => ({
      report: undefined,
      problems: [{ message: err instanceof Error ? err.message : String(err) }] as Problem[],
    }));
    const checkedAt = this.now().toISOString();
    // 2. Problems: the last good rendering stays.
    if (!loaded.report || loaded.problems.length > 0) {
      return this.publish({ phase: 'invalid', checkedAt, problems: loaded.problems });
    }
    // 3. Render.
    try {
      const rendering = await this.render(loaded.report);
      return this.publish({ phase: 'ok', checkedAt, problems: [], rendering, renderedAt: checkedAt });
    } catch (err) {
      return this.publish({
        phase: 'invalid',
        checkedAt,
        problems: [{ message: err instanceof Error ? err.message : String(err) }],
      });
    }
  }

  private publish(change: Partial<PreviewState>): PreviewState {
    this.current = { ...this.current, ...change, version: this.current.version + 1 };
    for (const l of this.listeners) l(this.current);
    return this.current;
  }
}
