/**
 * The values JupyterLab 4.6's two built-in themes give the --jp-* variables digit-lab's outputs
 * use, resolved from @jupyterlab/theme-light-extension and theme-dark-extension's index.css
 * (their --md-* palette references followed). Unit tests check our colour pairs against them; the
 * JupyterLab suite measures the real thing.
 */
export const JUPYTERLAB_THEMES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    '--jp-content-font-color1': 'rgba(0,0,0,.87)',
    '--jp-content-font-color2': 'rgba(0,0,0,.54)',
    '--jp-layout-color0': '#ffffff',
    '--jp-layout-color2': '#eeeeee',
    '--jp-border-color1': '#bdbdbd',
    '--jp-border-color2': '#e0e0e0',
    '--jp-rendermime-table-row-background': '#f5f5f5',
    '--jp-rendermime-table-row-hover-background': '#e1f5fe',
    '--jp-error-color1': '#d32f2f',
  },
  dark: {
    '--jp-content-font-color1': '#ffffff',
    '--jp-content-font-color2': 'rgba(255,255,255,.7)',
    '--jp-layout-color0': '#111111',
    '--jp-layout-color2': '#424242',
    '--jp-border-color1': '#616161',
    '--jp-border-color2': '#424242',
    '--jp-rendermime-table-row-background': '#212121',
    '--jp-rendermime-table-row-hover-background': 'rgba(3,169,244,.2)',
    '--jp-error-color1': '#f44336',
  },
};
