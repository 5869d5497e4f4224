// The one error type the symbol reader throws, so callers can tell bad input from bugs.

/** Raised for a malformed, truncated or unsupported ELF or DWARF input; the message names the section and offset. */
export class SymbolError extends Error {
  constructor(
    message: string,
    readonly section?: string,
    readonly offset?: number,
  ) {
    super(
      section !== undefined
        ? `${section}${offset !== undefined ? ` at offset 0x${offset.toString(16)}` : ''}: ${message}`
        : message,
    );
    this.name = 'SymbolError';
  }
}
