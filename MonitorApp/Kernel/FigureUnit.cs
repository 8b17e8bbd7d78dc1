namespace MonitorApp.Kernel;

/// <summary>What a figure measures, so it is written one way everywhere: a share (0–1, shown as a percentage), milliseconds, or nothing shown.</summary>
public enum FigureUnit { None, Share, Milliseconds }
