import { defineConfig } from '@playwright/test';

/**
 * Browser tests drive real Chromium (Debian's by default; set TASTEBUD_CHROMIUM to use your own Chrome)
 * against the production build served by `vite preview` on localhost — WebGPU needs a secure context,
 * and localhost is one.
 */
const executablePath = process.env.TASTEBUD_CHROMIUM || '/usr/bin/chromium';
const port = Number(process.env.TASTEBUD_E2E_PORT || 4319);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.TASTEBUD_PW_JSON
    ? [['list'], ['json', { outputFile: process.env.TASTEBUD_PW_JSON }]]
    : [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --outDir ${process.env.TASTEBUD_DIST || 'dist'}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
