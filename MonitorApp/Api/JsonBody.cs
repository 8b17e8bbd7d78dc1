using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MonitorApp.Api;

/// <summary>
/// Reads an ingestion body by hand rather than through parameter binding, so that every way a body
/// can be wrong (too large, not JSON, an unknown field) becomes a ProblemDetails naming the field.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > maxBytes)
            return (null, TooLarge(maxBytes));
        if (!request.HasJsonContentType())
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type", detail: "Send the body as 'Content-Type: application/json'."));

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = maxBytes;

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null
                ? (null, Invalid("$", "the body must be a JSON object."))
                : (value, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (JsonException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
            var reason = IsUnknownProperty(path, typeof(T))
                ? "is not a known property: only the documented fields are accepted (MonitorApp stores no personal data)."
                : "is not valid here: " + FirstSentence(ex.Message);
            return (null, Invalid(path, reason));
        }
    }

    /// <summary>True when the path ends in a property name that no object of the body's type declares.</summary>
    private static bool IsUnknownProperty(string path, Type body)
    {
        var last = path[(path.LastIndexOf('.') + 1)..];
        if (last.EndsWith(']') || last == "$")
            return false;
        return !KnownProperties.GetOrAdd(body, CollectProperties).Contains(last);
    }

    private static readonly ConcurrentDictionary<Type, HashSet<string>> KnownProperties = new();

    private static HashSet<string> CollectProperties(Type root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
                continue;
            var info = Options.GetTypeInfo(type);
            if (info.Kind == JsonTypeInfoKind.Object)
            {
                foreach (var property in info.Properties)
                {
                    names.Add(property.Name);
                    pending.Push(property.PropertyType);
                }
            }
            else if (info.ElementType is { } element)
            {
                pending.Push(element);
            }
        }
        return names;
    }

    private static ProblemHttpResult Invalid(string path, string reason)
    {
        var key = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [key] = [reason] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON for this endpoint; nothing was stored.",
        });
    }

    private static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
        detail: $"The body may be at most {maxBytes / 1024 / 1024} MB; send smaller batches.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
