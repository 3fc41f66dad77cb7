// Loaded before every test file (bunfig.toml): tests that start servers need more than Bun's 5 s.
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(30_000);
