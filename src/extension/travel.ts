// Navigating in time: a travel history of the positions the user stopped at (Back and Forward, like the editor's Go
// Back / Go Forward), and bookmarks, named positions kept beside the recording in `<recording>.bookmarks.json`.
// No vscode import.

import { readFileSync, writeFileSync } from 'node:fs';

export interface Bookmark {
  position: number;
  name: string;
  hart?: number;
}

/** Positions visited, with a current index; going back and forth moves the index, a new stop drops what was ahead. */
export class TravelHistory {
  private readonly list: number[] = [];
  private index = -1;
  /** Set while a Back/Forward travel is under way: its stop moves the index instead of adding a visit. */
  private travelling: number | undefined;

  visit(position: number): void {
    if (this.travelling !== undefined) {
      const t = this.travelling;
      this.travelling = undefined;
      if (t === position) return;
    }
    if (this.list[this.index] === position) return;
    this.list.splice(this.index + 1);
    this.list.push(position);
    if (this.list.length > 200) this.list.shift();
    this.index = this.list.length - 1;
  }

  /** The position to travel to, or undefined at the end of the history. */
  back(): number | undefined {
    return this.move(-1);
  }
  forward(): number | undefined {
    return this.move(1);
  }

  private move(d: number): number | undefined {
    const k = this.index + d;
    if (k < 0 || k >= this.list.length) return undefined;
    this.index = k;
    this.travelling = this.list[k];
    return this.list[k];
  }

  get canGoBack(): boolean {
    return this.index > 0;
  }
  get canGoForward(): boolean {
    return this.index < this.list.length - 1;
  }
  clear(): void {
    this.list.length = 0;
    this.index = -1;
    this.travelling = undefined;
  }
}

export const bookmarksPath = (recording: string): string => `${recording}.bookmarks.json`;

/** The bookmarks kept beside a recording; none when the file is missing or unreadable. */
export function loadBookmarks(recording: string): Bookmark[] {
  try {
    const j = JSON.parse(readFileSync(bookmarksPath(recording), 'utf8')) as { bookmarks?: unknown };
    if (!Array.isArray(j.bookmarks)) return [];
    return j.bookmarks
      .filter(
        (b): b is Bookmark =>
          !!b &&
          typeof b.position === 'number' &&
          Number.isSafeInteger(b.position) &&
          b.position >= 0 &&
          typeof b.name === 'string',
      )
      .map((b) => ({ position: b.position, name: b.name, hart: typeof b.hart === 'number' ? b.hart : undefined }))
      .sort((a, b) => a.position - b.position);
  } catch {
    return [];
  }
}

export function saveBookmarks(recording: string, list: readonly Bookmark[]): void {
  const sorted = [...list].sort((a, b) => a.position - b.position);
  writeFileSync(bookmarksPath(recording), JSON.stringify({ version: 1, bookmarks: sorted }, null, 2) + '\n');
}
