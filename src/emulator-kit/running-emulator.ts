/** A started emulator, as every cloud's `startEmulator` returns it. */
export interface RunningEmulator {
  url: string /* http://127.0.0.1:PORT */;
  port: number;
  apiKey: string;
  stop(): Promise<void>;
}
