/** @packageDocumentation placeholder entry, filled by later work. */
export {};
