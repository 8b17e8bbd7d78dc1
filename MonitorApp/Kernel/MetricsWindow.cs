namespace MonitorApp.Kernel;

public enum MetricsWindow { Hour = 0, Day = 1, Week = 2, Month = 3 }
