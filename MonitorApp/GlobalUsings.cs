global using MonitorApp.Kernel;
