/** Progress on stderr (the table goes to stdout). */
export const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
