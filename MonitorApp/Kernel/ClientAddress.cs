using System.Net;

namespace MonitorApp.Kernel;

/// <summary>
/// How a client address is counted wherever the app keeps something per address (limits, audit throttling): an IPv4
/// address as itself, an IPv6 address by its /64 — a subscriber is given a whole /64, so counting per /128 would give one
/// client 2^64 allowances.
/// </summary>
public static class ClientAddress
{
    public static string Key(IPAddress? address)
    {
        if (address is null)
            return "none";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
