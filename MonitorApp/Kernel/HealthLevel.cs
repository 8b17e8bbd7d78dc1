namespace MonitorApp.Kernel;

public enum HealthLevel { Healthy, Degraded, Critical }
