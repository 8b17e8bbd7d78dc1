namespace MonitorApp.Kernel;

/// <summary>Where one item of a batch records what is wrong with it, keyed by JSON path (<c>events[3].provider</c>).</summary>
public readonly struct ItemErrors(Dictionary<string, string[]> errors, string prefix)
{
    public void Add(string field, string message) => errors[$"{prefix}.{field}"] = [message];

    /// <summary>Adds only when the field has no error yet (a more specific one stays).</summary>
    public void AddIfNone(string field, string message) => errors.TryAdd($"{prefix}.{field}", [message]);
}

/// <summary>
/// The whole batch is checked before anything is stored: its size, then every item, so the sender learns
/// everything that is wrong at once.
/// </summary>
public static class BatchValidation
{
    /// <summary>
    /// Checks <paramref name="items"/> (the batch's <paramref name="name"/> array, 1 to <paramref name="max"/>)
    /// with <paramref name="check"/>, which reports into <see cref="ItemErrors"/>; returns what the items
    /// that passed became. A batch is good when <paramref name="errors"/> stays empty.
    /// </summary>
    public static List<TOut> Each<TIn, TOut>(IReadOnlyList<TIn?>? items, string name, int max, Dictionary<string, string[]> errors,
        Func<TIn, ItemErrors, TOut> check)
        where TIn : class
    {
        var valid = new List<TOut>();
        if (items is null || items.Count == 0)
        {
            errors[name] = [$"is required: an array of 1 to {max} {name}."];
            return valid;
        }
        if (items.Count > max)
        {
            errors[name] = [$"holds {items.Count} {name}; at most {max} are accepted per batch."];
            return valid;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"{name}[{i}]";
            if (items[i] is not { } item)
            {
                errors[prefix] = ["must be an object."];
                continue;
            }
            var before = errors.Count;
            var result = check(item, new ItemErrors(errors, prefix));
            if (errors.Count == before)
                valid.Add(result);
        }
        return valid;
    }
}
